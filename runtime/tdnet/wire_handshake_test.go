package tdnet

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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

func netIdent(index int, fp string, terms ...Term) NetIdentity {
	return NetIdentity{Fingerprint: fp, Index: index, Processes: 3, Terms: terms}
}

func TestHandshakeSuccess(t *testing.T) {
	terms := []Term{{"param n", "5"}, {"file of param in", "12 bytes"}}
	r := netRunHandshake(t, netIdent(2, "abc", terms...), netIdent(1, "abc", terms...), 1)
	require.NoError(t, r.dialErr)
	require.NoError(t, r.acceptErr)
	assert.Equal(t, 2, r.peer)
}

func TestHandshakeWrongFingerprint(t *testing.T) {
	r := netRunHandshake(t, netIdent(2, "abc"), netIdent(1, "def"), 1)
	require.ErrorIs(t, r.dialErr, ErrFingerprint)
	require.ErrorIs(t, r.acceptErr, ErrFingerprint)
	assert.Equal(t, "process 1 (127.0.0.1:7001) runs a different program: plan fingerprint def, this process abc", r.dialErr.Error())
	assert.Equal(t, "process 2 (127.0.0.1:40000) runs a different program: plan fingerprint abc, this process def", r.acceptErr.Error())
}

func TestHandshakeTerms(t *testing.T) {
	n5, n7 := Term{"param n", "5"}, Term{"param n", "7"}
	r := netRunHandshake(t, netIdent(2, "abc", n5), netIdent(1, "abc", n7), 1)
	require.ErrorIs(t, r.dialErr, ErrHandshake)
	require.ErrorIs(t, r.acceptErr, ErrHandshake)
	assert.Equal(t, "process 1 (127.0.0.1:7001) runs with param n = 7, this process with 5 (start every process with the same params and input files)", r.dialErr.Error())
	assert.Equal(t, "process 2 (127.0.0.1:40000) runs with param n = 5, this process with 7 (start every process with the same params and input files)", r.acceptErr.Error())
	assert.True(t, dialFatal(r.dialErr))
	assert.True(t, acceptFatal(r.acceptErr))

	file := Term{"file of param in", "3 bytes"}
	r = netRunHandshake(t, netIdent(2, "abc", n5), netIdent(1, "abc", n5, file), 1)
	assert.Contains(t, r.dialErr.Error(), "has file of param in = 3 bytes, which this process has not")
	assert.Contains(t, r.acceptErr.Error(), "has no file of param in (this process has 3 bytes)")

	r = netRunHandshake(t, netIdent(2, "abc", Term{"param s", "a b "}), netIdent(1, "abc", Term{"param s", "a b"}), 1)
	assert.Contains(t, r.dialErr.Error(), `runs with param s = a b, this process with "a b "`)
}

func TestTermEncoding(t *testing.T) {
	long := NewTerm("param text", strings.Repeat("é", 1000))
	assert.LessOrEqual(t, len(long.Value), MaxTermValue)
	assert.True(t, utf8.ValidString(long.Value))
	assert.NotEqual(t, long, NewTerm("param text", strings.Repeat("é", 999)+"e"))
	terms := []Term{{"param a", ""}, long}
	b, err := encodeTerms(terms)
	require.NoError(t, err)
	got, err := readTerms(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, terms, got)
	_, err = encodeTerms([]Term{{"x", "1"}, {"x", "2"}})
	assert.ErrorContains(t, err, "given twice")
	for _, cut := range []int{5, 9, len(b) - 1} {
		bad := slices.Clone(b[:cut])
		binary.LittleEndian.PutUint32(bad, uint32(cut-4))
		_, err := readTerms(bytes.NewReader(bad))
		assert.ErrorIs(t, err, ErrHandshake, "cut at %d", cut)
	}
}

func TestFileTerm(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b, 0o644))
		return p
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), 20000) // 320000 bytes
	a, err := FileTerm("f", write("a", big))
	require.NoError(t, err)
	same, err := FileTerm("f", write("same", big))
	require.NoError(t, err)
	assert.Equal(t, a, same, "the path does not count")
	for _, at := range []int{0, len(big) - 1} {
		changed := slices.Clone(big)
		changed[at] ^= 1
		c, err := FileTerm("f", write("c", changed))
		require.NoError(t, err)
		assert.NotEqual(t, a, c, "a change at byte %d", at)
	}
	short, err := FileTerm("f", write("short", big[:len(big)-1]))
	require.NoError(t, err)
	assert.NotEqual(t, a, short)
	assert.Contains(t, short.Value, "319999 bytes")
	_, err = FileTerm("f", filepath.Join(dir, "none"))
	assert.Error(t, err)
}

func TestHandshakeMismatches(t *testing.T) {
	// The dialer means to reach process 0 but reaches process 1.
	r := netRunHandshake(t, netIdent(2, "abc"), netIdent(1, "abc"), 0)
	require.ErrorIs(t, r.dialErr, ErrHandshake)
	require.ErrorIs(t, r.acceptErr, ErrHandshake)
	assert.Contains(t, r.dialErr.Error(), "answered as process 1; this process dialed process 0 there")
	assert.Contains(t, r.acceptErr.Error(), "dialed this process as process 0, but it is process 1")

	other := netIdent(1, "abc")
	other.Processes = 4
	r = netRunHandshake(t, netIdent(2, "abc"), other, 1)
	require.ErrorIs(t, r.dialErr, ErrHandshake)
	assert.Contains(t, r.dialErr.Error(), "was started for a cluster of 4 processes, this process for 3")

	r = netRunHandshake(t, netIdent(1, "abc"), netIdent(1, "abc"), 2)
	require.ErrorIs(t, r.acceptErr, ErrHandshake)
	assert.Contains(t, r.acceptErr.Error(), "claims process index 1")
}

func TestHandshakeInvalidIdentity(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	assert.ErrorContains(t, DialHandshake(a, NetIdentity{Fingerprint: "has space", Processes: 2, Index: 1}, 0, ""), "fingerprint")
	assert.ErrorContains(t, DialHandshake(a, netIdent(1, "abc"), 1, ""), "cannot dial process 1")
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
	future := makeHello(netIdent(1, "abc"), helloWantAny)
	binary.LittleEndian.PutUint16(future.raw[helloVersion:], ProtocolVersion+1)

	// The dialer reads the acceptor's hello of a later version.
	c := netFakePeer(t, func(c net.Conn) {
		io.ReadFull(c, make([]byte, HelloSize+8))
		c.Write(future.raw[:])
	})
	err := DialHandshake(c, netIdent(2, "abc"), 1, "h:1")
	require.ErrorIs(t, err, ErrVersion)
	assert.Equal(t, "process 1 (h:1) speaks wire protocol version 4, this process version 3 (build both with the same tdc)", err.Error())

	// The acceptor reads a dialer's hello of a later version and answers with
	// its own, so the dialer can report the mismatch too.
	answers := make(chan [HelloSize]byte, 1)
	c = netFakePeer(t, func(c net.Conn) {
		c.Write(future.raw[:6]) // magic and version
		var answer [HelloSize]byte
		io.ReadFull(c, answer[:])
		answers <- answer
	})
	_, err = AcceptHandshake(c, netIdent(0, "abc"), "h:2")
	require.ErrorIs(t, err, ErrVersion)
	answer := <-answers
	assert.Equal(t, helloMagic[:], answer[:4])
	assert.Equal(t, uint16(ProtocolVersion), binary.LittleEndian.Uint16(answer[4:]))
}

func TestHandshakeGarbage(t *testing.T) {
	c := netFakePeer(t, func(c net.Conn) { c.Write([]byte("GET / HTTP/1.1\r\n\r\n")) })
	_, err := AcceptHandshake(c, netIdent(0, "abc"), "10.1.1.1:999")
	require.ErrorIs(t, err, ErrBadMagic)
	assert.Equal(t, `connection from 10.1.1.1:999: is not a tdc process (it sent "GET " instead of the magic "TDCN")`, err.Error())

	// A hello with a bad field.
	bad := makeHello(netIdent(1, "abc"), 0)
	bad.raw[helloFPLen] = MaxFingerprint + 1
	c = netFakePeer(t, func(c net.Conn) { c.Write(bad.raw[:]); io.Copy(io.Discard, c) })
	_, err = AcceptHandshake(c, netIdent(0, "abc"), "x:1")
	require.ErrorIs(t, err, ErrHandshake)
	assert.Contains(t, err.Error(), "connection from x:1: sent a hello with a fingerprint of 65 bytes")

	// A peer that stops in the middle of its hello.
	c = netFakePeer(t, func(c net.Conn) { c.Write(bad.raw[:20]) })
	_, err = AcceptHandshake(c, netIdent(0, "abc"), "x:1")
	require.ErrorIs(t, err, ErrHandshake)
	assert.Contains(t, err.Error(), "closed the connection in the middle of its hello")

	// A peer that says nothing runs into the deadline.
	a, b := net.Pipe()
	defer b.Close()
	a.SetDeadline(time.Now().Add(20 * time.Millisecond))
	_, err = AcceptHandshake(a, netIdent(0, "abc"), "x:1")
	require.ErrorIs(t, err, ErrHandshake)
	assert.Contains(t, err.Error(), "did not complete the handshake in time")
}
