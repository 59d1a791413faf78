package tdnet

import (
	"context"
	"crypto/tls"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// netClusterConfigs returns the configurations of n processes on the given
// addresses.
func netClusterConfigs(addrs []string, fp string) []ClusterConfig {
	cfgs := make([]ClusterConfig, len(addrs))
	for i := range cfgs {
		cfgs[i] = DefaultClusterConfig()
		cfgs[i].Processes = len(addrs)
		cfgs[i].Index = i
		cfgs[i].Addresses = addrs
		cfgs[i].Fingerprint = fp
		cfgs[i].ConnectTimeout = 5 * time.Second
		cfgs[i].Secret = []byte("test secret")
	}
	return cfgs
}

// netConnectAll runs ConnectPeers for every configuration at once and
// returns the results.
func netConnectAll(t *testing.T, cfgs []ClusterConfig) ([][]net.Conn, []error) {
	t.Helper()
	conns := make([][]net.Conn, len(cfgs))
	errs := make([]error, len(cfgs))
	var wg sync.WaitGroup
	for i := range cfgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conns[i], errs[i] = ConnectPeers(context.Background(), cfgs[i])
		}()
	}
	netWithin(t, 10*time.Second, wg.Wait)
	return conns, errs
}

// netCheckPairs checks that conns[i][j] and conns[j][i] are two ends of one
// connection, and closes them.
func netCheckPairs(t *testing.T, conns [][]net.Conn) {
	t.Helper()
	n := len(conns)
	for i := range n {
		for j := range n {
			if i != j {
				_, err := conns[i][j].Write([]byte{byte(i)})
				require.NoError(t, err)
			}
		}
	}
	for i := range n {
		for j := range n {
			if i == j {
				assert.Nil(t, conns[i][j])
				continue
			}
			var b [1]byte
			conns[i][j].SetReadDeadline(time.Now().Add(2 * time.Second))
			_, err := conns[i][j].Read(b[:])
			require.NoError(t, err)
			assert.Equal(t, byte(j), b[0], "process %d's connection %d", i, j)
		}
	}
	for i := range n {
		for _, c := range conns[i] {
			if c != nil {
				c.Close()
			}
		}
	}
}

func TestClusterFormsInRandomOrder(t *testing.T) {
	before, _ := netGoroutines(0, 0)
	for seed := range uint64(3) {
		rng := rand.New(rand.NewPCG(seed, 77))
		addrs, err := FreeLoopbackAddrs(3)
		require.NoError(t, err)
		cfgs := netClusterConfigs(addrs, "fp1")
		if seed == 1 {
			for i := range cfgs {
				cfgs[i].Secret, cfgs[i].Insecure = nil, true
			}
		}
		delays := make([]time.Duration, 3)
		for i := range delays {
			delays[i] = time.Duration(rng.IntN(120)) * time.Millisecond
		}
		conns := make([][]net.Conn, 3)
		errs := make([]error, 3)
		ends := make([]time.Time, 3)
		start := time.Now()
		var wg sync.WaitGroup
		for i := range cfgs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(delays[i])
				conns[i], errs[i] = ConnectPeers(context.Background(), cfgs[i])
				ends[i] = time.Now()
			}()
		}
		netWithin(t, 10*time.Second, wg.Wait)
		for i, err := range errs {
			require.NoError(t, err, "process %d", i)
		}
		last := start.Add(max(delays[0], delays[1], delays[2]))
		for i, e := range ends {
			took := e.Sub(last)
			t.Logf("seed %d: delays %v: process %d formed %v after the last start", seed, delays, i, took)
			assert.Less(t, took, 200*time.Millisecond, "process %d", i) // about 25 ms at worst, unloaded
		}
		netCheckPairs(t, conns)
	}
	after, stacks := netGoroutines(before, 2*time.Second)
	assert.LessOrEqual(t, after, before, stacks)
}

func TestClusterPeerNeverComes(t *testing.T) {
	addrs, err := FreeLoopbackAddrs(3)
	require.NoError(t, err)
	cfgs := netClusterConfigs(addrs, "fp")
	for i := range cfgs {
		cfgs[i].ConnectTimeout = 150 * time.Millisecond
	}
	// Process 1 alone: process 0 does not listen, process 2 never dials.
	start := time.Now()
	_, err = ConnectPeers(context.Background(), cfgs[1])
	require.Error(t, err)
	assert.Less(t, time.Since(start), time.Second)
	require.ErrorIs(t, err, ErrConnectTimeout)
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, 2, err.Error())
	assert.Regexp(t, `^process 0 \(`+addrs[0]+`\) did not come within 15\dms \(last attempt: dial tcp `+addrs[0]+`: .*connection refused\)$`, lines[0])
	assert.Regexp(t, `^process 2 \(`+addrs[2]+`\) did not come within 15\dms$`, lines[1])
	var pe *PeerError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 0, pe.Process)

	// Cancelling the context ends the wait too.
	ctx, cancel := context.WithCancel(context.Background())
	cfgs[1].ConnectTimeout = time.Minute
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	_, err = ConnectPeers(ctx, cfgs[1])
	require.ErrorIs(t, err, context.Canceled)
}

func TestClusterFingerprintMismatch(t *testing.T) {
	lns, err := LoopbackListeners(2)
	require.NoError(t, err)
	addrs := []string{lns[0].Addr().String(), lns[1].Addr().String()}
	cfgs := netClusterConfigs(addrs, "abc")
	cfgs[1].Fingerprint = "def"
	cfgs[0].Listener, cfgs[1].Listener = lns[0], lns[1]
	start := time.Now()
	_, errs := netConnectAll(t, cfgs)
	assert.Less(t, time.Since(start), time.Second, "a mismatch ends the formation at once")
	require.ErrorIs(t, errs[0], ErrFingerprint)
	require.ErrorIs(t, errs[1], ErrFingerprint)
	assert.Contains(t, errs[0].Error(), "process 1 (127.0.0.1:")
	assert.Contains(t, errs[0].Error(), "runs a different program: plan fingerprint def, this process abc")
	assert.Equal(t, fmt.Sprintf("process 0 (%s) runs a different program: plan fingerprint abc, this process def", addrs[0]), errs[1].Error())
}

func TestClusterWrongSecret(t *testing.T) {
	lns, err := LoopbackListeners(2)
	require.NoError(t, err)
	addrs := []string{lns[0].Addr().String(), lns[1].Addr().String()}
	cfgs := netClusterConfigs(addrs, "abc")
	cfgs[0].Secret, cfgs[1].Secret = []byte("a"), []byte("b")
	cfgs[0].Listener, cfgs[1].Listener = lns[0], lns[1]
	start := time.Now()
	_, errs := netConnectAll(t, cfgs)
	// Both learn it at once: the dialer checks the acceptor's
	// certificate first, and tells it so.
	assert.Less(t, time.Since(start), 2*time.Second)
	require.ErrorIs(t, errs[1], ErrSecret)
	assert.Equal(t, "process 0 ("+addrs[0]+") presented the certificate of another secret (the secrets differ)", errs[1].Error())
	require.ErrorIs(t, errs[0], ErrSecret)
	assert.Regexp(t, `^connection from 127\.0\.0\.1:\d+: rejected this process's certificate \(remote error: tls: bad certificate; do the secrets differ\?\)$`, errs[0].Error())
}

func TestClusterTLSAndInsecure(t *testing.T) {
	for _, insecure := range []int{0, 1} {
		lns, err := LoopbackListeners(2)
		require.NoError(t, err)
		addrs := []string{lns[0].Addr().String(), lns[1].Addr().String()}
		cfgs := netClusterConfigs(addrs, "abc")
		cfgs[insecure].Secret, cfgs[insecure].Insecure = nil, true
		cfgs[0].Listener, cfgs[1].Listener = lns[0], lns[1]
		cfgs[0].ConnectTimeout = time.Second
		start := time.Now()
		_, errs := netConnectAll(t, cfgs)
		assert.Less(t, time.Since(start), 2*time.Second)
		require.ErrorIs(t, errs[1], ErrSecret)
		if insecure == 0 {
			// An insecure process trusts anyone, and stops.
			require.ErrorIs(t, errs[0], ErrSecret)
			assert.Contains(t, errs[0].Error(), "speaks TLS (it has a secret or certificates), and this process runs with -insecure")
			assert.Contains(t, errs[1].Error(), "runs with -insecure, without TLS, and this process with TLS")
		} else {
			// Nothing said in plaintext stops a process with TLS; it
			// tells why when its peer does not come.
			require.ErrorIs(t, errs[0], ErrConnectTimeout)
			assert.Contains(t, errs[0].Error(), "connected without TLS (it runs with -insecure), and this process requires TLS")
			assert.Contains(t, errs[1].Error(), "requires TLS (it has a secret or certificates), and this process runs with -insecure")
		}
	}
}

func TestClusterDropsGarbageConnections(t *testing.T) {
	lns, err := LoopbackListeners(2)
	require.NoError(t, err)
	addrs := []string{lns[0].Addr().String(), lns[1].Addr().String()}
	cfgs := netClusterConfigs(addrs, "abc")
	cfgs[0].Listener = lns[0]
	lns[1].Close()
	// Garbage reaches process 0 before process 1 does: plain junk, a
	// TLS record that is not a handshake, a TLS client of another
	// protocol.
	for _, junk := range []string{"GET / HTTP/1.0\r\n\r\n", "", "\x16\x03\x01\x00\x05hello"} {
		c, err := net.Dial("tcp", addrs[0])
		require.NoError(t, err)
		c.Write([]byte(junk))
		defer c.Close()
	}
	go func() {
		c, err := tls.Dial("tcp", addrs[0], &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"h2"}})
		if err == nil {
			c.Close()
		}
	}()
	done := make(chan struct{})
	var conns0 []net.Conn
	var err0 error
	go func() {
		defer close(done)
		conns0, err0 = ConnectPeers(context.Background(), cfgs[0])
	}()
	time.Sleep(30 * time.Millisecond)
	conns1, err1 := ConnectPeers(context.Background(), cfgs[1])
	<-done
	require.NoError(t, err0)
	require.NoError(t, err1)
	netCheckPairs(t, [][]net.Conn{conns0, conns1})
}

func TestClusterSingleProcess(t *testing.T) {
	cfg := DefaultClusterConfig()
	cfg.Fingerprint = "x"
	conns, err := ConnectPeers(context.Background(), cfg)
	require.NoError(t, err)
	assert.Equal(t, []net.Conn{nil}, conns)
}

func TestClusterConfigValidate(t *testing.T) {
	good := netClusterConfigs([]string{"127.0.0.1:1", "127.0.0.1:2"}, "fp")[1]
	require.NoError(t, good.Validate())
	for _, tc := range []struct {
		change func(*ClusterConfig)
		msg    string
	}{
		{func(c *ClusterConfig) { c.Index = 2 }, "process index 2 out of range 0..1"},
		{func(c *ClusterConfig) { c.Processes = 0 }, "cluster of 0 processes"},
		{func(c *ClusterConfig) { c.Fingerprint = "" }, "fingerprint"},
		{func(c *ClusterConfig) { c.Addresses = c.Addresses[:1] }, "1 addresses for 2 processes"},
		{func(c *ClusterConfig) { c.Addresses = []string{"127.0.0.1:1", "nohost"} }, `address of process 1: bad address "nohost"`},
		{func(c *ClusterConfig) { c.Addresses = []string{"127.0.0.1:1", "127.0.0.1:1"} }, "processes 0 and 1 have the same address"},
		{func(c *ClusterConfig) { c.ConnectTimeout = -1 }, "negative timeout"},
		{func(c *ClusterConfig) { c.Secret = nil }, "several processes need a Secret, a Certificate, or Insecure"},
		{func(c *ClusterConfig) { c.Insecure = true }, "give one of Secret, Certificate and Insecure"},
		{func(c *ClusterConfig) { c.Secret, c.Certificate = nil, &tls.Certificate{} }, "a Certificate needs RootCAs"},
	} {
		c := good
		tc.change(&c)
		assert.ErrorContains(t, c.Validate(), tc.msg)
	}
}

func TestHostfile(t *testing.T) {
	addrs, err := ParseHostfile(strings.NewReader("# cluster\n\n127.0.0.1:7000\n  host-b:7001  # the second\n[::1]:7002\n"), "hosts")
	require.NoError(t, err)
	assert.Equal(t, []string{"127.0.0.1:7000", "host-b:7001", "[::1]:7002"}, addrs)

	for in, msg := range map[string]string{
		"a:1\nb\n":         `hosts:2: bad address "b": missing port in address`,
		"a:1\n\nb:99999\n": `hosts:3: bad address "b:99999": port "99999" is not a number from 1 to 65535`,
		"a:1\nb:2 c:3\n":   `hosts:2: "b:2 c:3": want one host:port per line`,
		"a:1\n:5\n":        `hosts:2: bad address ":5": no host`,
		"a:1\n# x\na:1\n":  `hosts:3: a:1 repeats line 1`,
		"# nothing\n\n":    `hosts: no addresses`,
		"a:1\nb:0\n":       `hosts:2: bad address "b:0": port "0" is not a number from 1 to 65535`,
	} {
		_, err := ParseHostfile(strings.NewReader(in), "hosts")
		assert.EqualError(t, err, msg, "input %q", in)
	}
}
