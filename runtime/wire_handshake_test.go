package runtime

import (
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// netHandshakeResult is the outcome of both sides of a handshake.
type netHandshakeResult struct {
	dialErr, acceptErr error
	peer               int
}

// netRunHandshake runs a handshake over net.Pipe: dialer, meaning to reach
// process want, against acceptor. Each side closes its end on error, as
// ConnectPeers does.
func netRunHandshake(t *testing.T, dialer, acceptor NetIdentity, want int) netHandshakeResult {
	t.Helper()
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	deadline := time.Now().Add(5 * time.Second)
	a.SetDeadline(deadline)
	b.SetDeadline(deadline)
	var r netHandshakeResult
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.peer, r.acceptErr = AcceptHandshake(b, acceptor, "127.0.0.1:40000")
		if r.acceptErr != nil {
			b.Close()
		}
	}()
	r.dialErr = DialHandshake(a, dialer, want, "127.0.0.1:7001")
	if r.dialErr != nil {
		a.Close()
	}
	<-done
	return r
}

func netIdent(index int, fp, secret string) NetIdentity {
	id := NetIdentity{Fingerprint: fp, Index: index, Processes: 3}
	if secret != "" {
		id.Secret = []byte(secret)
	}
	return id
}

func TestHandshakeSuccess(t *testing.T) {
	for _, secret := range []string{"", "s3cret"} {
		r := netRunHandshake(t, netIdent(2, "abc", secret), netIdent(1, "abc", secret), 1)
		require.NoError(t, r.dialErr, "secret %q", secret)
		require.NoError(t, r.acceptErr, "secret %q", secret)
		assert.Equal(t, 2, r.peer)
	}
}

func TestHandshakeWrongFingerprint(t *testing.T) {
	for _, secret := range []string{"", "s"} {
		r := netRunHandshake(t, netIdent(2, "abc", secret), netIdent(1, "def", secret), 1)
		require.ErrorIs(t, r.dialErr, ErrFingerprint)
		require.ErrorIs(t, r.acceptErr, ErrFingerprint)
		assert.Equal(t, "process 1 (127.0.0.1:7001) runs a different program: plan fingerprint def, this process abc", r.dialErr.Error())
		assert.Equal(t, "process 2 (127.0.0.1:40000) runs a different program: plan fingerprint abc, this process def", r.acceptErr.Error())
	}
}

func TestHandshakeWrongSecret(t *testing.T) {
	r := netRunHandshake(t, netIdent(2, "abc", "one"), netIdent(1, "abc", "two"), 1)
	require.ErrorIs(t, r.acceptErr, ErrSecret)
	require.ErrorIs(t, r.dialErr, ErrSecret)
	assert.Contains(t, r.acceptErr.Error(), "could not prove the shared secret")
	assert.Contains(t, r.dialErr.Error(), "process 1 (127.0.0.1:7001) closed the connection instead of proving the shared secret")

	r = netRunHandshake(t, netIdent(2, "abc", "one"), netIdent(1, "abc", ""), 1)
	require.ErrorIs(t, r.dialErr, ErrSecret)
	require.ErrorIs(t, r.acceptErr, ErrSecret)
	assert.Contains(t, r.dialErr.Error(), "has no shared secret, but this process has one")
	assert.Contains(t, r.acceptErr.Error(), "requires a shared secret, but this process has none")
}

func TestHandshakeMismatches(t *testing.T) {
	// The dialer means to reach process 0 but reaches process 1.
	r := netRunHandshake(t, netIdent(2, "abc", ""), netIdent(1, "abc", ""), 0)
	require.ErrorIs(t, r.dialErr, ErrHandshake)
	require.ErrorIs(t, r.acceptErr, ErrHandshake)
	assert.Contains(t, r.dialErr.Error(), "answered as process 1; this process dialed process 0 there")
	assert.Contains(t, r.acceptErr.Error(), "dialed this process as process 0, but it is process 1")

	other := netIdent(1, "abc", "")
	other.Processes = 4
	r = netRunHandshake(t, netIdent(2, "abc", ""), other, 1)
	require.ErrorIs(t, r.dialErr, ErrHandshake)
	assert.Contains(t, r.dialErr.Error(), "was started for a cluster of 4 processes, this process for 3")

	r = netRunHandshake(t, netIdent(1, "abc", ""), netIdent(1, "abc", ""), 2)
	require.ErrorIs(t, r.acceptErr, ErrHandshake)
	assert.Contains(t, r.acceptErr.Error(), "claims process index 1")
}

func TestHandshakeInvalidIdentity(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	assert.ErrorContains(t, DialHandshake(a, NetIdentity{Fingerprint: "has space", Processes: 2, Index: 1}, 0, ""), "fingerprint")
	assert.ErrorContains(t, DialHandshake(a, netIdent(1, "abc", ""), 1, ""), "cannot dial process 1")
	_, err := AcceptHandshake(a, NetIdentity{Fingerprint: "x", Processes: 2, Index: 2}, "")
	assert.ErrorContains(t, err, "index 2 out of range")
}

// netFakePeer runs f against the other end of a pipe whose near end is
// returned, bounded by a deadline.
func netFakePeer(t *testing.T, f func(c net.Conn)) net.Conn {
	a, b := net.Pipe()
	deadline := time.Now().Add(2 * time.Second)
	a.SetDeadline(deadline)
	b.SetDeadline(deadline)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer b.Close()
		f(b)
	}()
	t.Cleanup(func() { a.Close(); <-done })
	return a
}

func TestHandshakeWrongVersion(t *testing.T) {
	future := makeHello(netIdent(1, "abc", ""), helloWantAny)
	binary.LittleEndian.PutUint16(future.raw[helloVersion:], 2)

	// The dialer reads the acceptor's hello of version 2.
	c := netFakePeer(t, func(c net.Conn) {
		io.ReadFull(c, make([]byte, HelloSize))
		c.Write(future.raw[:])
	})
	err := DialHandshake(c, netIdent(2, "abc", ""), 1, "h:1")
	require.ErrorIs(t, err, ErrVersion)
	assert.Equal(t, "process 1 (h:1) speaks wire protocol version 2, this process version 1 (build both with the same tdc)", err.Error())

	// The acceptor reads a dialer's hello of version 2 and answers with
	// its own, so the dialer can report the mismatch too.
	answers := make(chan [HelloSize]byte, 1)
	c = netFakePeer(t, func(c net.Conn) {
		c.Write(future.raw[:6]) // magic and version
		var answer [HelloSize]byte
		io.ReadFull(c, answer[:])
		answers <- answer
	})
	_, err = AcceptHandshake(c, netIdent(0, "abc", ""), "h:2")
	require.ErrorIs(t, err, ErrVersion)
	answer := <-answers
	assert.Equal(t, helloMagic[:], answer[:4])
	assert.Equal(t, uint16(ProtocolVersion), binary.LittleEndian.Uint16(answer[4:]))
}

func TestHandshakeGarbage(t *testing.T) {
	c := netFakePeer(t, func(c net.Conn) { c.Write([]byte("GET / HTTP/1.1\r\n\r\n")) })
	_, err := AcceptHandshake(c, netIdent(0, "abc", ""), "10.1.1.1:999")
	require.ErrorIs(t, err, ErrBadMagic)
	assert.Equal(t, `connection from 10.1.1.1:999: is not a tdc process (it sent "GET " instead of the magic "TDCN")`, err.Error())

	// A hello with a bad field.
	bad := makeHello(netIdent(1, "abc", ""), 0)
	bad.raw[helloFPLen] = MaxFingerprint + 1
	c = netFakePeer(t, func(c net.Conn) { c.Write(bad.raw[:]); io.Copy(io.Discard, c) })
	_, err = AcceptHandshake(c, netIdent(0, "abc", ""), "x:1")
	require.ErrorIs(t, err, ErrHandshake)
	assert.Contains(t, err.Error(), "connection from x:1: sent a hello with a fingerprint of 65 bytes")

	// A peer that stops in the middle of its hello.
	c = netFakePeer(t, func(c net.Conn) { c.Write(bad.raw[:20]) })
	_, err = AcceptHandshake(c, netIdent(0, "abc", ""), "x:1")
	require.ErrorIs(t, err, ErrHandshake)
	assert.Contains(t, err.Error(), "closed the connection in the middle of its hello")

	// A peer that says nothing runs into the deadline.
	a, b := net.Pipe()
	defer b.Close()
	a.SetDeadline(time.Now().Add(20 * time.Millisecond))
	_, err = AcceptHandshake(a, netIdent(0, "abc", ""), "x:1")
	require.ErrorIs(t, err, ErrHandshake)
	assert.Contains(t, err.Error(), "did not complete the handshake in time")
}

func TestHandshakeSecretFromEnv(t *testing.T) {
	t.Setenv(SecretEnv, "")
	assert.Nil(t, SecretFromEnv())
	t.Setenv(SecretEnv, "xyz")
	assert.Equal(t, []byte("xyz"), SecretFromEnv())
}
