//go:build unix

package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tdrt "github.com/tdflow/tdc/runtime"
	"github.com/tdflow/tdc/runtime/tdnet"
)

// TestGarbageIntoListener connects to process 0 of two, before process 1
// comes, and sends what a port scanner, a confused client or an old tdc
// might: process 0 must drop each connection and keep listening, and the
// computation must complete once the real process 1 comes. Connections
// left open, idle or stuck in the middle of a hello, must not hold the
// cluster up either. With TLS (the default), whatever a connection says
// in plaintext is dropped, and nothing about the program is answered;
// with -insecure, a well-formed hello of another program, version or
// cluster stops process 0, as docs/wire.md says.
func TestGarbageIntoListener(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary with go build")
	}
	isolateBuildCache(t)
	root := repoRoot(t)
	dir := t.TempDir()
	tdf := filepath.Join(root, "examples", "wordcount", "wordcount.tdf")
	bin := buildTDF(t, tdf, dir)
	fp := fingerprintOf(t, tdf)
	want := sortedLines(runOK(t, root, nil, bin, "-w", "2"))

	for _, insecure := range []bool{true, false} {
		name, mode := "tls", []string(nil)
		if insecure {
			name, mode = "insecure", []string{"-insecure"}
		}
		t.Run(name, func(t *testing.T) {
			addrs := freeAddrs(t, 2)
			hosts := writeHostfile(t, dir, addrs)
			p0 := startProc(t, root, nil, bin, append(clusterArgs(2, 0, hosts, 2), mode...)...)
			waitFor(t, 10*time.Second, func() bool {
				c, err := net.Dial("tcp", addrs[0])
				if err == nil {
					c.Close()
				}
				return err == nil || p0.exited()
			}, "process 0 does not listen on %s; stderr: %s", addrs[0], p0.stderr.String())

			// Connections held open until the end: idle ones, and one
			// stuck in the middle of its hello.
			for range 20 {
				c, err := net.Dial("tcp", addrs[0])
				require.NoError(t, err)
				t.Cleanup(func() { c.Close() })
			}
			stuck, err := net.Dial("tcp", addrs[0])
			require.NoError(t, err)
			t.Cleanup(func() { stuck.Close() })
			_, err = stuck.Write(testHello(helloFields{fp: fp, index: 1, count: 2, want: 0})[:60])
			require.NoError(t, err)

			random := make([]byte, 4096)
			r := rand.New(rand.NewPCG(1, 2))
			for i := range random {
				random[i] = byte(r.Uint32())
			}
			good := helloFields{fp: fp, index: 1, count: 2, want: 0}
			// What process 0 answers: nothing to a connection that does
			// not start with the magic (docs/wire.md), its hello to a
			// hello it reads whole. To a broken hello of this version it
			// answers with its hello too (AcceptHandshake answers every
			// hello whose version it read); the spec leaves that open.
			const (
				none = iota
				hello
				either
			)
			type garbage struct {
				name   string
				send   []byte
				answer int
			}
			cases := []garbage{
				{"nothing", nil, none},
				{"random", random, none},
				{"http", []byte("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"), none},
				{"zeros", make([]byte, tdnet.HelloSize), none},
				{"wrong_magic", testHello(with(good, func(h *helloFields) { h.magic = "TDCX" })), none},
				{"magic_only", []byte("TDCN"), none},
				{"truncated_hello", testHello(good)[:40], either},
				{"reserved_set", testHello(with(good, func(h *helloFields) { h.reserved = 1 })), either},
				{"unknown_flag", testHello(with(good, func(h *helloFields) { h.flags |= 4 })), either},
				{"no_fingerprint", testHello(with(good, func(h *helloFields) { h.fp = "" })), either},
				{"unprintable_fingerprint", testHello(with(good, func(h *helloFields) { h.fp = "ab\x01" })), either},
			}
			if !insecure {
				// Nothing said in plaintext stops a process with TLS: not
				// even another version or program.
				cases = append(cases,
					garbage{"other_version", testHello(with(good, func(h *helloFields) { h.version = 3 })), none},
					garbage{"other_program", append(testHello(with(good, func(h *helloFields) { h.fp = "0123456789abcdef" })), testTerms...), none},
					garbage{"other_count", append(testHello(with(good, func(h *helloFields) { h.count = 3 })), testTerms...), none},
					garbage{"good_hello", append(testHello(good), testTerms...), none},
				)
			}
			for _, c := range cases {
				conn, err := net.Dial("tcp", addrs[0])
				require.NoError(t, err, "%s: process 0 no longer listens; stderr: %s", c.name, p0.stderr.String())
				conn.Write(c.send)
				conn.(*net.TCPConn).CloseWrite()
				conn.SetReadDeadline(time.Now().Add(10 * time.Second))
				got, err := io.ReadAll(conn)
				conn.Close()
				var ne net.Error
				require.False(t, errors.As(err, &ne) && ne.Timeout(), "%s: process 0 did not close the connection", c.name)
				switch {
				case !insecure:
					// A plaintext hello is told that TLS is required;
					// nothing else is answered about tdc or the program.
					if bytes.HasPrefix(c.send, []byte("TDCN")) {
						assert.Equal(t, "TDCS\x02\x00\x00\x00", string(got), c.name)
					} else {
						assert.NotContains(t, string(got), "TDC", c.name)
					}
					assert.NotContains(t, string(got), fp, c.name)
				case c.answer == none || c.answer == either && len(got) == 0:
					assert.Empty(t, got, "%s: process 0 answered garbage", c.name)
				default:
					// Its hello (to a broken hello of this version).
					require.GreaterOrEqual(t, len(got), tdnet.HelloSize, "%s: process 0's answer", c.name)
					assert.Equal(t, "TDCN", string(got[:4]), c.name)
				}
				require.False(t, p0.exited(), "%s: process 0 exited: %v; stderr: %s", c.name, p0.err, p0.stderr.String())
			}

			time.Sleep(50 * time.Millisecond)
			require.False(t, p0.exited(), "process 0 exited: %v; stderr: %s", p0.err, p0.stderr.String())

			p1 := startProc(t, root, nil, bin, append(clusterArgs(2, 1, hosts, 2), mode...)...)
			require.Equal(t, 0, p1.wait(t, 20*time.Second), "process 1: %s", p1.stderr.String())
			require.Equal(t, 0, p0.wait(t, 10*time.Second), "process 0: %s", p0.stderr.String())
			assert.Empty(t, p0.stderr.String())
			assert.Empty(t, p1.stderr.String())
			assert.Equal(t, want, sortedLines(p0.stdout.String()+p1.stdout.String()))
		})
	}

	// What docs/wire.md says of an insecure cluster: a connection whose
	// hello is of this protocol but another program, version or cluster
	// stops the formation (there is no telling a stranger from a
	// misconfigured peer), with an error that names the connection.
	t.Run("mismatch_insecure", func(t *testing.T) {
		good := helloFields{fp: fp, index: 1, count: 2, want: 0}
		for _, c := range []struct {
			name  string
			hello helloFields
			want  string
		}{
			{"other_program", with(good, func(h *helloFields) { h.fp = "0123456789abcdef" }), "process 1 (127.0.0.1:%d) runs a different program: plan fingerprint 0123456789abcdef, this process " + fp},
			{"other_version", with(good, func(h *helloFields) { h.version = 4 }), "connection from 127.0.0.1:%d: speaks wire protocol version 4, this process version 3"},
			{"other_count", with(good, func(h *helloFields) { h.count = 3 }), "process 1 (127.0.0.1:%d) was started for a cluster of 3 processes, this process for 2"},
			{"bad_index", with(good, func(h *helloFields) { h.index = 5 }), "process 5 (127.0.0.1:%d) claims process index 5, which does not fit (this process is 0 of 2)"},
		} {
			t.Run(c.name, func(t *testing.T) {
				addrs := freeAddrs(t, 2)
				hosts := writeHostfile(t, dir, addrs)
				p0 := startProc(t, root, nil, bin, append(clusterArgs(2, 0, hosts, 2), "-insecure")...)
				var conn net.Conn
				waitFor(t, 10*time.Second, func() bool {
					var err error
					conn, err = net.Dial("tcp", addrs[0])
					return err == nil || p0.exited()
				}, "process 0 does not listen on %s; stderr: %s", addrs[0], p0.stderr.String())
				require.NotNil(t, conn, "process 0 exited: %v; stderr: %s", p0.err, p0.stderr.String())
				defer conn.Close()
				_, err := conn.Write(append(testHello(c.hello), testTerms...))
				require.NoError(t, err)
				code := p0.wait(t, 5*time.Second)
				assert.Equal(t, 1, code)
				want := fmt.Sprintf(c.want, conn.LocalAddr().(*net.TCPAddr).Port)
				assert.Contains(t, p0.stderr.String(), want)
				t.Logf("process 0: %s", strings.TrimSpace(p0.stderr.String()))
			})
		}
	})
}

// TestGarbageAfterHandshake stands in for process 1 of two: it completes
// the handshake with the real process 0 and then sends a bad frame.
// Process 0 must fail promptly, with an error that names process 1 and
// what it did, and tell process 1 why in an error frame.
func TestGarbageAfterHandshake(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary with go build")
	}
	isolateBuildCache(t)
	root := repoRoot(t)
	dir := t.TempDir()
	tdf := filepath.Join(root, "examples", "wordcount", "wordcount.tdf")
	bin := buildTDF(t, tdf, dir)
	fp := fingerprintOf(t, tdf)
	terms := wordCountTerms(t, root)

	// Process 0 has workers 0 and 1, the fake process 1 workers 2 and 3;
	// the word count's only channel (0) carries strings.
	var epoch0 [16]byte // a timestamp: epoch and two rounds
	words := tdrt.AppendString(binary.AppendUvarint(nil, 1), "word")
	data := func(channel, target uint32, payload []byte) []byte {
		return testFrame(tdnet.NewFrameHeader(tdnet.FrameData, channel, 2, target), payload)
	}
	header := func(kind tdnet.FrameKind, flags byte, length uint32) []byte {
		h := tdnet.NewFrameHeader(kind, 0, 0, 0)
		h[1] = flags
		h.SetLength(length)
		return h[:]
	}
	progress := func(payload []byte) []byte {
		return testFrame(tdnet.NewFrameHeader(tdnet.FrameProgress, 0, 2, tdnet.AllWorkers), payload)
	}
	oneUpdate := binary.LittleEndian.AppendUint32(nil, 1)
	oneUpdate = binary.LittleEndian.AppendUint32(oneUpdate, 999) // location
	oneUpdate = append(oneUpdate, epoch0[:]...)
	oneUpdate = binary.LittleEndian.AppendUint64(oneUpdate, 1)

	const closeWrite, keepOpen = true, false
	cases := []struct {
		name  string
		send  []byte
		close bool // half-close the connection after send
		want  string
		wait  time.Duration // more time for process 0 to fail
	}{
		{"bad_kind", header(9, 0, 0), keepOpen, "sent a bad frame at byte 0: unknown frame kind 9", 0},
		{"zero_kind", make([]byte, tdnet.FrameHeaderSize), keepOpen, "unknown frame kind 0", 0},
		{"flags", header(tdnet.FrameData, 1, 0), keepOpen, "data frame with flags 0x1", 0},
		{"over_limit", header(tdnet.FrameData, 0, tdnet.MaxPayload+1), keepOpen, fmt.Sprintf("data frame of %d bytes, over the limit", tdnet.MaxPayload+1), 0},
		{"length_max", header(tdnet.FrameProgress, 0, 1<<32-1), keepOpen, "over the limit", 0},
		{"error_over_limit", header(tdnet.FrameFailure, 0, tdnet.MaxErrorMessage+1), keepOpen, "over the limit of 1024", 0},
		{"ping_payload", header(tdnet.FramePing, 0, 8), keepOpen, "ping frame with a payload of 8 bytes", 0},
		{"second_frame_bad", append(testFrame(tdnet.NewFrameHeader(tdnet.FramePing, 0, 0, 0), nil), header(7, 0, 0)...), keepOpen, "sent a bad frame at byte 24: unknown frame kind 7", 0},
		{"truncated", append(header(tdnet.FrameData, 0, 64), make([]byte, 10)...), closeWrite, "ended before the computation finished: it closed the connection in the middle of a frame", 0},
		{"truncated_header", header(tdnet.FrameData, 0, 0)[:10], closeWrite, "ended before the computation finished", 0},
		{"no_goodbye", nil, closeWrite, "ended before the computation finished: it closed the connection without a goodbye", 0},
		{"unknown_channel", data(99, 0, append(epoch0[:], words...)), keepOpen, "process 1 sent data for channel 99", 0},
		{"foreign_worker", data(0, 3, append(epoch0[:], words...)), keepOpen, "worker 3 is not in this process", 0},
		{"truncated_time", data(0, 0, epoch0[:5]), keepOpen, "truncated timestamp", 0},
		{"bad_records", data(0, 0, append(epoch0[:], 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)), keepOpen, "sent a bad data frame", 0},
		{"records_too_long", data(0, 0, append(epoch0[:], append(words, 0)...)), keepOpen, "sent a bad data frame", 0},
		{"bad_progress", progress([]byte{1, 2, 3}), keepOpen, "sent a bad progress frame", 0},
		{"progress_count", progress(oneUpdate[:len(oneUpdate)-1]), keepOpen, "sent a bad progress frame", 0},
		{"progress_location", progress(oneUpdate), keepOpen, "location 999", 0},
		{"error_frame", testFrame(tdnet.NewFrameHeader(tdnet.FrameFailure, 0, 0, 0), []byte("boom\x00\x1b[31m\xff")), keepOpen, "failed: boom??[31m?", 0},
		{"silent", nil, keepOpen, "sent nothing for 4s", 4 * time.Second},
		// A goodbye says process 1 finished, which it cannot have: it
		// never released its workers' capabilities.
		{"early_goodbye", testFrame(tdnet.NewFrameHeader(tdnet.FrameGoodbye, 0, 0, 0), nil), keepOpen, "process 1 finished, but this process did not finish within 5s of it", tdnet.DefaultCloseTimeout},
	}
	// The cases run in parallel, each with a process 0 of its own: the
	// addresses are taken at once, so that they differ.
	all := freeAddrs(t, 2*len(cases))
	for i, c := range cases {
		addrs := all[2*i : 2*i+2]
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			hosts := writeHostfile(t, dir, addrs)
			p0 := startProc(t, root, nil, bin, append(clusterArgs(2, 0, hosts, 2), "-insecure", "-peer-timeout", "4s")...)
			conn := dialHandshake(t, p0, addrs[0], tdnet.NetIdentity{Fingerprint: fp, Index: 1, Processes: 2, Workers: 2, Terms: terms})

			// Read what process 0 sends, to see its error frame.
			told := make(chan error, 1)
			go func() {
				fr := tdnet.NewFrameReader(conn, tdnet.ReaderConfig{Peer: 0, Addr: addrs[0]})
				told <- fr.ReadLoop(func(f tdnet.Frame) error { f.Release(); return nil })
			}()
			_, err := conn.Write(c.send)
			require.NoError(t, err)
			if c.close {
				require.NoError(t, conn.CloseWrite())
			}
			// Otherwise the connection stays open: the frame alone must
			// be what fails process 0.
			sent := time.Now()
			code := p0.wait(t, c.wait+3*time.Second)
			latency := time.Since(sent)
			stderr := p0.stderr.String()
			t.Logf("process 0 exited with status %d after %v: %s", code, latency.Round(time.Millisecond), strings.TrimSpace(stderr))
			assert.Equal(t, 1, code)
			assert.Contains(t, stderr, "process 1 ")
			assert.Contains(t, stderr, c.want)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line of error")

			select {
			case err := <-told:
				require.ErrorIs(t, err, tdnet.ErrPeerFailed, "process 0 did not send an error frame")
				assert.Contains(t, err.Error(), c.want, "the error frame")
			case <-time.After(5 * time.Second):
				t.Fatal("process 0's end of the connection is still open")
			}
		})
	}
}

// dialHandshake connects to process 0 at addr as the process of id, and
// returns the connection after the handshake.
func dialHandshake(t *testing.T, p0 *clusterProc, addr string, id tdnet.NetIdentity) *net.TCPConn {
	t.Helper()
	var conn net.Conn
	waitFor(t, 10*time.Second, func() bool {
		var err error
		conn, err = net.Dial("tcp", addr)
		return err == nil || p0.exited()
	}, "process 0 does not listen on %s; stderr: %s", addr, p0.stderr.String())
	require.NotNil(t, conn, "process 0 exited: %v; stderr: %s", p0.err, p0.stderr.String())
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	require.NoError(t, tdnet.DialHandshake(conn, id, 0, addr))
	conn.SetDeadline(time.Time{})
	return conn.(*net.TCPConn)
}

// testTerms is a terms message of no terms.
var testTerms = []byte{4, 0, 0, 0, 0, 0, 0, 0}

// wordCountTerms returns the terms of the word count example with its
// default params, run in root.
func wordCountTerms(t testing.TB, root string) []tdrt.Term {
	t.Helper()
	const input = "examples/wordcount/sample.txt"
	file, err := tdnet.FileTerm("input of lines at wordcount.tdf:13:2", filepath.Join(root, input))
	require.NoError(t, err)
	return []tdrt.Term{{Name: "param input", Value: input}, file}
}

// helloFields are the fields of a hello (docs/wire.md) a test writes.
type helloFields struct {
	magic    string // "TDCN" when empty
	version  uint16 // tdnet.ProtocolVersion when zero
	flags    uint16
	index    uint32
	count    uint32
	want     uint32
	reserved uint32
	workers  uint32 // 2 when zero
	fp       string
}

// with returns h changed by f.
func with(h helloFields, f func(*helloFields)) helloFields {
	f(&h)
	return h
}

// testHello returns the bytes of the hello h.
func testHello(h helloFields) []byte {
	b := make([]byte, tdnet.HelloSize)
	magic := h.magic
	if magic == "" {
		magic = "TDCN"
	}
	copy(b, magic)
	v := h.version
	if v == 0 {
		v = tdnet.ProtocolVersion
	}
	binary.LittleEndian.PutUint16(b[4:], v)
	binary.LittleEndian.PutUint16(b[6:], h.flags)
	binary.LittleEndian.PutUint32(b[8:], h.index)
	binary.LittleEndian.PutUint32(b[12:], h.count)
	binary.LittleEndian.PutUint32(b[16:], h.want)
	workers := h.workers
	if workers == 0 {
		workers = 2 // what the processes of these tests run
	}
	binary.LittleEndian.PutUint32(b[20:], workers)
	b[57] = byte(h.reserved) // the reserved bytes after the fingerprint's length
	for i := 24; i < 56; i++ {
		b[i] = byte(i * 7)
	}
	b[56] = byte(len(h.fp))
	copy(b[64:], h.fp)
	return b
}

// testFrame returns the bytes of a frame: h with its length set, the
// payload and the padding.
func testFrame(h tdnet.FrameHeader, payload []byte) []byte {
	h.SetLength(uint32(len(payload)))
	b := append(h[:], payload...)
	for len(b)%tdnet.FrameAlign != 0 {
		b = append(b, 0)
	}
	return bytes.Clone(b)
}
