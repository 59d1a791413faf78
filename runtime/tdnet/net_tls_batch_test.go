package tdnet

import (
	"math/rand/v2"
	"net"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// netCountingConn counts the writes made to a connection.
type netCountingConn struct {
	net.Conn
	writes atomic.Int64
}

func (c *netCountingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// netSecurePair returns the two ends of a TLS session over loopback TCP,
// authenticated by one secret, and the dialer's TCP connection, which
// counts its writes.
func netSecurePair(t *testing.T) (dialer, acceptor net.Conn, raw *netCountingConn) {
	t.Helper()
	sec, err := newNetSecurity(ClusterConfig{Secret: []byte("gather")})
	require.NoError(t, err)
	a, b := netTCPPair(t)
	raw = &netCountingConn{Conn: a}
	type accepted struct {
		conn net.Conn
		err  error
	}
	done := make(chan accepted, 1)
	go func() {
		_, c, err := sec.server(b)
		done <- accepted{c, err}
	}()
	dialer, err = sec.client(raw, a.RemoteAddr().String())
	require.NoError(t, err)
	acc := <-done
	require.NoError(t, acc.err)
	return dialer, acc.conn, raw
}

// TestSecureConnGathersRecords checks that a Sender writing through a
// TLS session makes few large writes to the TCP connection, rather than
// one per TLS record (16 KiB), and that the frames arrive whole and in
// order.
func TestSecureConnGathersRecords(t *testing.T) {
	dialer, acceptor, raw := netSecurePair(t)
	rng := rand.New(rand.NewPCG(1, 2))
	frames := netRandomFrames(rng, 400, false)
	got := make(chan []netTestFrame, 1)
	go func() {
		fs, err := netReadAllFrames(acceptor, ReaderConfig{Peer: 0})
		assert.NoError(t, err)
		got <- fs
	}()
	// No WriteLoop: the frames go out in the Flushes, a megabyte each.
	s := NewSender(dialer, SenderConfig{Peer: 1})
	before := raw.writes.Load()
	bytes, pending, flushes := 0, 0, 0
	for _, f := range frames {
		require.NoError(t, netSendFrame(s, f, 0))
		bytes += FrameHeaderSize + len(f.payload)
		if pending += FrameHeaderSize + len(f.payload); pending >= 1<<20 {
			require.NoError(t, s.Flush())
			pending, flushes = 0, flushes+1
		}
	}
	require.NoError(t, s.Goodbye())
	require.NoError(t, s.Flush())
	flushes++
	writes := raw.writes.Load() - before
	netRequireSameFrames(t, frames, <-got)
	records := bytes / (16 << 10)
	assert.Greater(t, records, 100, "the test sends many TLS records")
	assert.LessOrEqual(t, writes, int64(bytes/recordGather+2*flushes), "%d bytes in %d flushes took %d writes; they are %d TLS records or more", bytes, flushes, writes, records)
}
