package tdnet

import (
	"net"
	"sync"
)

// Gathering TLS records into large writes. crypto/tls writes each record
// it seals (at most 16 KiB of data) to its connection with a write of its
// own, so a Sender's vectored write of a megabyte through a tls.Conn
// became some 60 system calls, each paying the kernel's fixed cost per
// write on both ends of the connection. A sealedWriter sits between the
// tls.Conn and the TCP connection: while a Sender writes (WriteBuffers),
// it gathers the sealed records in a buffer of its own and writes them
// together, recordGather bytes at a time; otherwise (the handshake,
// alerts) writes pass straight through.

// recordGather is the most sealed bytes a sealedWriter gathers before it
// writes them.
const recordGather = 256 << 10

// sealedWriter is the TCP connection under a tls.Conn, gathering the
// records the tls.Conn writes while gathering is on.
// (The tls.Conn may also write from its reader's goroutine, answering a
// key update; mu keeps such a write in order.)
type sealedWriter struct {
	net.Conn
	mu        sync.Mutex
	gathering bool
	buf       []byte
}

// Write gathers p while gathering is on, writing out what is gathered
// first when p would not fit; otherwise it writes p.
func (w *sealedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.gathering {
		return w.Conn.Write(p)
	}
	if len(w.buf)+len(p) > cap(w.buf) {
		if err := w.writeOut(); err != nil {
			return 0, err
		}
		if len(p) > cap(w.buf) {
			return w.Conn.Write(p)
		}
	}
	w.buf = append(w.buf, p...)
	return len(p), nil
}

// writeOut writes what is gathered. Called with mu held.
func (w *sealedWriter) writeOut() error {
	if len(w.buf) == 0 {
		return nil
	}
	_, err := w.Conn.Write(w.buf)
	w.buf = w.buf[:0]
	return err
}

// WriteBuffers writes the buffers of b through the TLS session, gathering
// the sealed records into writes of up to recordGather bytes, and
// consumes b as net.Buffers.WriteTo does. Only one goroutine writes at a
// time (the Sender's wmu).
func (c *secureConn) WriteBuffers(b *net.Buffers) (int64, error) {
	w := c.sealed
	if w == nil {
		return b.WriteTo(c.Conn)
	}
	w.mu.Lock()
	if w.buf == nil {
		w.buf = make([]byte, 0, recordGather)
	}
	w.gathering = true
	w.mu.Unlock()
	n, err := b.WriteTo(c.Conn)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.gathering = false
	if werr := w.writeOut(); err == nil {
		err = werr
	}
	return n, err
}
