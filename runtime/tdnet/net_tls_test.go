package tdnet

import (
	"crypto/tls"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tdflow/tdc/runtime/internal/testca"
)

func TestSecretKey(t *testing.T) {
	a1, err := SecretKey([]byte("a"))
	require.NoError(t, err)
	a2, err := SecretKey([]byte("a"))
	require.NoError(t, err)
	b, err := SecretKey([]byte("b"))
	require.NoError(t, err)
	assert.True(t, a1.Equal(a2), "the key is derived deterministically")
	assert.False(t, a1.Equal(b))
	_, err = SecretKey(nil)
	assert.Error(t, err)
}

func TestClusterCertificates(t *testing.T) {
	ca := testca.New(t)
	loop := net.ParseIP("127.0.0.1")
	form := func(certs ...*tls.Certificate) ([][]net.Conn, []error) {
		addrs, err := FreeLoopbackAddrs(len(certs))
		require.NoError(t, err)
		cfgs := netClusterConfigs(addrs, "fp")
		for i := range cfgs {
			cfgs[i].Secret, cfgs[i].Certificate, cfgs[i].RootCAs = nil, certs[i], ca.Pool
			cfgs[i].ConnectTimeout = 2 * time.Second
		}
		return netConnectAll(t, cfgs)
	}
	conns, errs := form(ca.Issue(t, loop), ca.Issue(t, loop), ca.Issue(t, loop))
	for i, err := range errs {
		require.NoError(t, err, "process %d", i)
	}
	netCheckPairs(t, conns)

	// A certificate of another CA: both sides fail at once. The
	// acceptor checks the dialer's certificate and tells it so.
	start := time.Now()
	_, errs = form(ca.Issue(t, loop), testca.New(t).Issue(t, loop))
	assert.Less(t, time.Since(start), time.Second)
	require.ErrorIs(t, errs[0], ErrTLS)
	assert.Contains(t, errs[0].Error(), "presented a certificate this process does not trust: x509: certificate signed by unknown authority")
	require.ErrorIs(t, errs[1], ErrTLS)
	assert.Contains(t, errs[1].Error(), "rejected this process (remote error: tls: unknown certificate authority) before its hello; do the secrets or certificates differ?")

	// A certificate that does not name the host dialed.
	_, errs = form(ca.Issue(t, net.ParseIP("10.9.9.9")), ca.Issue(t, loop))
	require.ErrorIs(t, errs[1], ErrTLS)
	assert.Contains(t, errs[1].Error(), "certificate is valid for 10.9.9.9, not 127.0.0.1")
}
