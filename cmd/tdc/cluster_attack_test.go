//go:build unix

package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"math/big"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests attack a computation of two processes on 127.0.0.1 from
// the network, as docs/security.md's attacker: someone who reaches the
// ports, or sits on the path between the processes. In every case the
// computation must print what one process would, or every process must
// fail with a clear error; never exit 0 with a wrong answer.

// relay forwards the bytes of one connection from the dialer to target
// and back, like a router on the path, optionally flipping a bit of the
// dialer's stream and recording it.
type relay struct {
	ln     net.Listener
	target string
	flipAt int64 // flip the low bit of this byte of the dialer's stream; -1 for none

	mu       sync.Mutex
	recorded bytes.Buffer // what the dialer sent
	flipped  bool
}

// startRelay listens on a free loopback port for one connection, which it
// relays to target.
func startRelay(t *testing.T, target string, flipAt int64) *relay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	r := &relay{ln: ln, target: target, flipAt: flipAt}
	t.Cleanup(func() { ln.Close() })
	go r.run(t)
	return r
}

func (r *relay) addr() string { return r.ln.Addr().String() }

func (r *relay) run(t *testing.T) {
	for {
		in, err := r.ln.Accept()
		if err != nil {
			return
		}
		out, err := net.Dial("tcp", r.target)
		if err != nil {
			in.Close()
			continue
		}
		t.Cleanup(func() { in.Close(); out.Close() })
		go func() {
			io.Copy(in, out)
			in.(*net.TCPConn).CloseWrite()
		}()
		go func() {
			buf := make([]byte, 32<<10)
			var off int64
			for {
				n, err := in.Read(buf)
				if n > 0 {
					r.mu.Lock()
					r.recorded.Write(buf[:n])
					if r.flipAt >= off && r.flipAt < off+int64(n) {
						buf[r.flipAt-off] ^= 1
						r.flipped = true
					}
					r.mu.Unlock()
					off += int64(n)
					if _, err := out.Write(buf[:n]); err != nil {
						return
					}
				}
				if err != nil {
					out.(*net.TCPConn).CloseWrite()
					return
				}
			}
		}()
	}
}

func (r *relay) dialerBytes() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return bytes.Clone(r.recorded.Bytes())
}

// TestRelayTamper puts a relay between process 1 and process 0. Passing
// the bytes on unchanged, it changes nothing; flipping one bit of process
// 1's stream after the handshake fails both processes, naming TLS; and a
// recording of process 1's bytes, replayed to a new process 0, does not
// get in, while the real process 1 then completes the computation.
func TestRelayTamper(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries with go build")
	}
	isolateBuildCache(t)
	root := repoRoot(t)
	dir := t.TempDir()
	wc := buildTDF(t, filepath.Join(root, "examples", "wordcount", "wordcount.tdf"), dir)
	long := buildTDF(t, writeFile(t, dir, "long.tdf", longTDF), dir)
	text := randomWords(17, 5000)
	input := writeFile(t, dir, "words.txt", text)
	want := sortedLines(runOK(t, root, nil, wc, "-w", "2", "-input", input))
	require.Equal(t, plainWordCounts(text), want)

	// hostfiles returns process 0's hostfile and process 1's, in which
	// process 0's address is the relay's.
	hostfiles := func(addrs []string, relay string) (string, string) {
		return writeHostfile(t, dir, addrs), writeHostfile(t, dir, []string{relay, addrs[1]})
	}
	var recorded []byte
	t.Run("transparent", func(t *testing.T) {
		addrs := freeAddrs(t, 2)
		r := startRelay(t, addrs[0], -1)
		h0, h1 := hostfiles(addrs, r.addr())
		p0 := startProc(t, root, nil, wc, append(clusterArgs(2, 0, h0, 2), "-input", input)...)
		p1 := startProc(t, root, nil, wc, append(clusterArgs(2, 1, h1, 2), "-input", input)...)
		require.Equal(t, 0, p0.wait(t, 30*time.Second), "process 0: %s", p0.stderr.String())
		require.Equal(t, 0, p1.wait(t, 10*time.Second), "process 1: %s", p1.stderr.String())
		assert.Equal(t, want, sortedLines(p0.stdout.String()+p1.stdout.String()))
		recorded = r.dialerBytes()
		assert.NotContains(t, string(recorded), "TDCN", "the hello travels encrypted")
		assert.NotContains(t, string(recorded), "sample.txt")
		assert.NotContains(t, string(recorded), filepath.Base(input), "the terms travel encrypted")
	})

	t.Run("flip", func(t *testing.T) {
		addrs := freeAddrs(t, 2)
		r := startRelay(t, addrs[0], 64<<10)
		h0, h1 := hostfiles(addrs, r.addr())
		p0 := startProc(t, dir, nil, long, clusterArgs(2, 0, h0, 1)...)
		p1 := startProc(t, dir, nil, long, clusterArgs(2, 1, h1, 1)...)
		for i, p := range []*clusterProc{p0, p1} {
			code := p.wait(t, 20*time.Second)
			stderr := p.stderr.String()
			t.Logf("process %d exited with status %d: %s", i, code, strings.TrimSpace(stderr))
			assert.Equal(t, 1, code, "process %d", i)
			assert.Contains(t, stderr, fmt.Sprintf("process %d (", 1-i), "process %d", i)
		}
		r.mu.Lock()
		assert.True(t, r.flipped, "the relay flipped nothing")
		r.mu.Unlock()
		// Process 0 finds the change; process 1 sees it fail (its
		// connection ends, or it gets process 0's TLS alert).
		assert.Contains(t, p0.stderr.String(), "broke the TLS session at byte")
		assert.Contains(t, p0.stderr.String(), "bad record MAC (data tampered with or corrupted in transit?)")
	})

	t.Run("replay", func(t *testing.T) {
		require.NotEmpty(t, recorded)
		addrs := freeAddrs(t, 2)
		hosts := writeHostfile(t, dir, addrs)
		p0 := startProc(t, root, nil, wc, append(clusterArgs(2, 0, hosts, 2), "-input", input)...)
		var conn net.Conn
		waitFor(t, 10*time.Second, func() bool {
			var err error
			conn, err = net.Dial("tcp", addrs[0])
			return err == nil || p0.exited()
		}, "process 0 does not listen; stderr: %s", p0.stderr.String())
		require.NotNil(t, conn, "process 0 exited: %s", p0.stderr.String())
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		conn.Write(recorded)
		got, _ := io.ReadAll(conn)
		conn.Close()
		assert.NotContains(t, string(got), "TDCN", "process 0 answered a replay with its hello")
		require.False(t, p0.exited(), "a replay stopped process 0: %s", p0.stderr.String())
		p1 := startProc(t, root, nil, wc, append(clusterArgs(2, 1, hosts, 2), "-input", input)...)
		require.Equal(t, 0, p1.wait(t, 20*time.Second), "process 1: %s", p1.stderr.String())
		require.Equal(t, 0, p0.wait(t, 10*time.Second), "process 0: %s", p0.stderr.String())
		assert.Equal(t, want, sortedLines(p0.stdout.String()+p1.stdout.String()))
	})
}

// TestImpersonation connects to process 0 as process 1 without its
// credentials, with a TLS client of its own certificate. Without tdc's
// protocol it is dropped and the real process 1 completes the
// computation; offering it from the host of process 1, it is taken for a
// misconfigured process 1: process 0 fails at once, and process 1 finds
// no process 0.
func TestImpersonation(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries with go build")
	}
	isolateBuildCache(t)
	root := repoRoot(t)
	dir := t.TempDir()
	wc := buildTDF(t, filepath.Join(root, "examples", "wordcount", "wordcount.tdf"), dir)
	want := sortedLines(runOK(t, root, nil, wc, "-w", "2"))
	cert := selfSignedCert(t)

	for _, alpn := range []string{"h2", "tdc/2"} {
		t.Run(alpn, func(t *testing.T) {
			addrs := freeAddrs(t, 2)
			hosts := writeHostfile(t, dir, addrs)
			p0 := startProc(t, root, nil, wc, clusterArgs(2, 0, hosts, 2)...)
			waitFor(t, 10*time.Second, func() bool {
				c, err := net.Dial("tcp", addrs[0])
				if err == nil {
					c.Close()
				}
				return err == nil || p0.exited()
			}, "process 0 does not listen; stderr: %s", p0.stderr.String())

			d := &net.Dialer{Timeout: 5 * time.Second}
			conn, err := tls.DialWithDialer(d, "tcp", addrs[0], &tls.Config{
				InsecureSkipVerify: true,
				Certificates:       []tls.Certificate{cert},
				NextProtos:         []string{alpn},
				MinVersion:         tls.VersionTLS13,
			})
			if err == nil {
				// TLS 1.3 finishes the client's side before the server
				// checked its certificate: the refusal comes as an alert.
				conn.SetDeadline(time.Now().Add(5 * time.Second))
				conn.Write(append(testHello(helloFields{fp: "0123456789abcdef", index: 1, count: 2}), testTerms...))
				got, err := io.ReadAll(conn)
				assert.Error(t, err)
				assert.Empty(t, got, "process 0 sent something to an impostor")
				conn.Close()
			}
			t.Logf("impostor: %v", err)

			p1 := startProc(t, root, nil, wc, append(clusterArgs(2, 1, hosts, 2), "-connect-timeout", "2s")...)
			if alpn == "h2" {
				require.Equal(t, 0, p1.wait(t, 20*time.Second), "process 1: %s", p1.stderr.String())
				require.Equal(t, 0, p0.wait(t, 10*time.Second), "process 0: %s", p0.stderr.String())
				assert.Equal(t, want, sortedLines(p0.stdout.String()+p1.stdout.String()))
				return
			}
			for i, p := range []*clusterProc{p0, p1} {
				code := p.wait(t, 10*time.Second)
				t.Logf("process %d exited with status %d: %s", i, code, strings.TrimSpace(p.stderr.String()))
				assert.Equal(t, 1, code, "process %d", i)
				assert.Empty(t, p.stdout.String(), "process %d", i)
			}
			assert.Contains(t, p0.stderr.String(), "presented the certificate of another secret (the secrets differ)")
			assert.Regexp(t, `process 0 \(`+addrs[0]+`\) did not come within 2(\.\d+)?s`, p1.stderr.String())
		})
	}
}

// selfSignedCert returns a TLS certificate of a fresh ed25519 key.
func selfSignedCert(t *testing.T) tls.Certificate {
	t.Helper()
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, key)
	require.NoError(t, err)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
