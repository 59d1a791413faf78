package tdnet

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
)

// This file holds the handshake two processes go through on a new
// connection before any frame, inside the TLS session (or in plaintext,
// with -insecure); docs/wire.md specifies it, net_tls.go sets TLS up.
//
// The dialing process writes its hello and its terms; the accepting one
// reads them and writes its own hello and terms, which the dialer reads. Last, each side checks
// the other's fingerprint, process count, index, workers and terms. Every
// message flows before the checks that could reject it, so that both
// sides see the same mismatch and report it.

// Handshake sizes and constants.
const (
	// ProtocolVersion is the version of the wire protocol this runtime
	// speaks. Processes of different versions refuse to connect. (3:
	// integer keys routed by RouteUint64; the bytes are version 2's.)
	ProtocolVersion = 3
	// HelloSize is the size of a hello message.
	HelloSize = 128
	// NonceSize is the size of the random nonce of a hello.
	NonceSize = 32
	// MaxFingerprint is the longest plan fingerprint a hello carries.
	MaxFingerprint = 64
	// MaxProcesses is the largest number of processes of a cluster.
	MaxProcesses = 1 << 12
	// MaxTerms is the largest size of the terms message, its length
	// field excluded.
	MaxTerms = 64 << 10
	// MaxTermValue is the longest value of a term; longer values are
	// cut and end in a digest of the whole (see [NewTerm]).
	MaxTermValue = 512
	// SecretEnv is the environment variable a generated binary reads the
	// shared secret from when no -secret-file flag is given.
	SecretEnv = "TDC_SECRET"
)

// helloMagic opens every hello, of every protocol version.
var helloMagic = [4]byte{'T', 'D', 'C', 'N'}

// hello field offsets (version 1).
const (
	helloVersion     = 4
	helloFlags       = 6
	helloIndex       = 8
	helloCount       = 12
	helloWant        = 16
	helloWorkers     = 20
	helloNonce       = 24
	helloFPLen       = 56
	helloReserved2   = 57
	helloFingerprint = 64
)

// helloWantAny is the want field of the accepting side's hello.
const helloWantAny = 1<<32 - 1

// NetIdentity is what this process states about itself in a handshake.
type NetIdentity struct {
	Fingerprint string // the plan fingerprint: printable ASCII, 1 to MaxFingerprint bytes
	Index       int    // this process, 0..Processes-1
	Workers     int    // workers per process, which every process must agree on; 0 leaves it unstated
	Processes   int    // processes in the cluster, 1..MaxProcesses
	Terms       []Term // what else every process must agree on: params, input files
}

// Validate reports whether id can be sent.
func (id NetIdentity) Validate() error {
	if id.Processes < 1 || id.Processes > MaxProcesses {
		return fmt.Errorf("cluster of %d processes; want 1 to %d", id.Processes, MaxProcesses)
	}
	if id.Index < 0 || id.Index >= id.Processes {
		return fmt.Errorf("process index %d out of range 0..%d", id.Index, id.Processes-1)
	}
	if len(id.Fingerprint) == 0 || len(id.Fingerprint) > MaxFingerprint || !printableASCII(id.Fingerprint) {
		return fmt.Errorf("fingerprint %q: want 1 to %d printable ASCII characters", id.Fingerprint, MaxFingerprint)
	}
	if _, err := encodeTerms(id.Terms); err != nil {
		return err
	}
	return nil
}

// printableASCII reports whether s consists of the characters '!' to '~'.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '!' || s[i] > '~' {
			return false
		}
	}
	return true
}

// hello is a parsed hello message.
type hello struct {
	raw         [HelloSize]byte
	version     uint16
	flags       uint16
	index       uint32
	count       uint32
	want        uint32 // the process the sender means to reach, or helloWantAny
	workers     uint32 // workers per process; 0 when not stated
	fingerprint string
	terms       []Term // read after the hello
}

// makeHello returns the hello of id, meaning to reach process want (or
// helloWantAny), with a fresh nonce.
func makeHello(id NetIdentity, want uint32) *hello {
	h := &hello{version: ProtocolVersion, index: uint32(id.Index), count: uint32(id.Processes), want: want, workers: uint32(id.Workers), fingerprint: id.Fingerprint, terms: id.Terms}
	b := h.raw[:]
	copy(b, helloMagic[:])
	binary.LittleEndian.PutUint16(b[helloVersion:], h.version)
	binary.LittleEndian.PutUint16(b[helloFlags:], h.flags)
	binary.LittleEndian.PutUint32(b[helloIndex:], h.index)
	binary.LittleEndian.PutUint32(b[helloCount:], h.count)
	binary.LittleEndian.PutUint32(b[helloWant:], h.want)
	binary.LittleEndian.PutUint32(b[helloWorkers:], h.workers)
	_, _ = rand.Read(b[helloNonce : helloNonce+NonceSize]) // never fails (crypto/rand)
	b[helloFPLen] = byte(len(id.Fingerprint))
	copy(b[helloFingerprint:], id.Fingerprint)
	return h
}

// parseHelloRest parses a hello whose magic and version were checked
// already.
func parseHelloRest(raw *[HelloSize]byte) (*hello, error) {
	h := &hello{raw: *raw}
	b := h.raw[:]
	h.version = binary.LittleEndian.Uint16(b[helloVersion:])
	h.flags = binary.LittleEndian.Uint16(b[helloFlags:])
	h.index = binary.LittleEndian.Uint32(b[helloIndex:])
	h.count = binary.LittleEndian.Uint32(b[helloCount:])
	h.want = binary.LittleEndian.Uint32(b[helloWant:])
	h.workers = binary.LittleEndian.Uint32(b[helloWorkers:])
	n := int(b[helloFPLen])
	switch {
	case h.flags != 0:
		return nil, wireErrorf(ErrHandshake, "sent a hello with unknown flags %#x", h.flags)
	case !wireAllZero(b[helloReserved2:helloFingerprint]):
		return nil, wireErrorf(ErrHandshake, "sent a hello with reserved bytes set")
	case n == 0 || n > MaxFingerprint:
		return nil, wireErrorf(ErrHandshake, "sent a hello with a fingerprint of %d bytes", n)
	case !wireAllZero(b[helloFingerprint+n:]):
		return nil, wireErrorf(ErrHandshake, "sent a hello with bytes after its fingerprint")
	}
	h.fingerprint = string(b[helloFingerprint : helloFingerprint+n])
	if !printableASCII(h.fingerprint) {
		return nil, wireErrorf(ErrHandshake, "sent a hello with an unprintable fingerprint %q", h.fingerprint)
	}
	return h, nil
}

func wireAllZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// readHello reads a hello. It reports a bad magic or another version
// before reading past the version field; version is then the peer's
// version (0 when the magic was bad).
func readHello(r io.Reader) (h *hello, version uint16, err error) {
	var raw [HelloSize]byte
	if _, err := io.ReadFull(r, raw[:helloFlags]); err != nil {
		return nil, 0, handshakeIOError(err, "before its hello")
	}
	if string(raw[:4]) == string(replyTLSRequired[:4]) {
		return nil, 0, &wireError{kind: ErrSecret, msg: "requires TLS (it has a secret or certificates), and this process runs with -insecure", fatal: true}
	}
	if [4]byte(raw[:4]) != helloMagic {
		return nil, 0, wireErrorf(ErrBadMagic, "is not a tdc process (it sent %q instead of the magic %q)", raw[:4], helloMagic[:])
	}
	version = binary.LittleEndian.Uint16(raw[helloVersion:])
	if version != ProtocolVersion {
		return nil, version, wireErrorf(ErrVersion, "speaks wire protocol version %d, this process version %d (build both with the same tdc)", version, ProtocolVersion)
	}
	if _, err := io.ReadFull(r, raw[helloFlags:]); err != nil {
		return nil, version, handshakeIOError(err, "in the middle of its hello")
	}
	h, err = parseHelloRest(&raw)
	return h, version, err
}

// handshakeIOError turns a read or write failure during the handshake into
// an error wrapping ErrHandshake.
func handshakeIOError(err error, when string) error {
	var ne net.Error
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return wireErrorf(ErrHandshake, "closed the connection %s", when)
	case errors.As(err, &ne) && ne.Timeout():
		return wireErrorf(ErrHandshake, "did not complete the handshake in time (stuck %s)", when)
	case isTLSAlert(err):
		return tlsAlertError(err, when)
	}
	return wireErrorf(ErrHandshake, "broke the connection %s: %v", when, err)
}

// checkPeerHello compares the peer's hello and terms with this process's.
// Both sides find the same mismatch, each from its own point of view.
func checkPeerHello(self, peer *hello) error {
	if peer.fingerprint != self.fingerprint {
		return wireErrorf(ErrFingerprint, "runs a different program: plan fingerprint %s, this process %s", peer.fingerprint, self.fingerprint)
	}
	if peer.count != self.count {
		return mismatchf("was started for a cluster of %d processes, this process for %d", peer.count, self.count)
	}
	if peer.index >= peer.count || peer.index == self.index {
		return mismatchf("claims process index %d, which does not fit (this process is %d of %d)", peer.index, self.index, self.count)
	}
	if self.want != helloWantAny && peer.index != self.want {
		return mismatchf("answered as process %d; this process dialed process %d there (do the address lists differ?)", peer.index, self.want)
	}
	if peer.want != helloWantAny && peer.want != self.index {
		return mismatchf("dialed this process as process %d, but it is process %d (do the address lists differ?)", peer.want, self.index)
	}
	if (self.want == helloWantAny) == (peer.want == helloWantAny) {
		return mismatchf("did not take the other side of the handshake")
	}
	if peer.workers != self.workers {
		return mismatchf("runs %d workers per process, this process %d (give every process the same -w)", peer.workers, self.workers)
	}
	return checkTerms(self.terms, peer.terms)
}

// mismatchf returns an error wrapping ErrHandshake about a peer that is
// of this program but does not fit the cluster: never worth retrying.
func mismatchf(format string, args ...any) error {
	return &wireError{kind: ErrHandshake, msg: fmt.Sprintf(format, args...), fatal: true}
}

// handshakeWrite writes b, turning a failure into a handshake error.
func handshakeWrite(w io.Writer, b []byte, what string) error {
	if _, err := w.Write(b); err != nil {
		return handshakeIOError(err, "while this process sent its "+what)
	}
	return nil
}

// writeHello writes the hello and the terms of self in one write.
func writeHello(w io.Writer, self *hello) error {
	terms, err := encodeTerms(self.terms)
	if err != nil {
		return err
	}
	return handshakeWrite(w, append(self.raw[:], terms...), "hello")
}

// DialHandshake runs the dialing side of the handshake on rw, a new
// connection to process peer at addr, authenticated already (TLS) unless
// the cluster is insecure. It returns nil when the peer is process peer
// of the same program and cluster, with the same terms. Errors are
// *PeerError naming the peer; they wrap ErrBadMagic, ErrVersion,
// ErrFingerprint or ErrHandshake. The caller sets deadlines on the
// connection and closes it on error.
func DialHandshake(rw io.ReadWriter, id NetIdentity, peer int, addr string) error {
	if err := id.Validate(); err != nil {
		return err
	}
	if peer < 0 || peer >= id.Processes || peer == id.Index {
		return fmt.Errorf("cannot dial process %d from process %d of %d", peer, id.Index, id.Processes)
	}
	err := dialHandshake(rw, id, peer)
	if err != nil {
		return &PeerError{Process: peer, Addr: addr, Err: err}
	}
	return nil
}

func dialHandshake(rw io.ReadWriter, id NetIdentity, peer int) error {
	self := makeHello(id, uint32(peer))
	if err := writeHello(rw, self); err != nil {
		return err
	}
	them, _, err := readHello(rw)
	if err != nil {
		return err
	}
	if them.terms, err = readTerms(rw); err != nil {
		return err
	}
	return checkPeerHello(self, them)
}

// AcceptHandshake runs the accepting side of the handshake on rw, a
// connection accepted from addr, authenticated already (TLS) unless the
// cluster is insecure. It returns the index of the peer, a process of
// the same program and cluster other than this one, with the same terms.
// Errors are *PeerError naming the peer (or only addr, when the peer did
// not say who it is); they wrap ErrBadMagic, ErrVersion, ErrFingerprint or
// ErrHandshake. The caller sets deadlines on the connection and closes it
// on error.
func AcceptHandshake(rw io.ReadWriter, id NetIdentity, addr string) (peer int, err error) {
	if err := id.Validate(); err != nil {
		return -1, err
	}
	peer = -1
	self := makeHello(id, helloWantAny)
	them, version, err := readHello(rw)
	if err != nil {
		if version != 0 {
			// Another version: tell ours, so the dialer reports it too.
			_, _ = rw.Write(self.raw[:])
		}
		return peer, &PeerError{Process: peer, Addr: addr, Err: err}
	}
	peer = int(them.index)
	if them.index >= uint32(MaxProcesses) {
		peer = -1
	}
	if err := acceptRest(rw, self, them); err != nil {
		return peer, &PeerError{Process: peer, Addr: addr, Err: err}
	}
	return peer, nil
}

// acceptRest reads the dialer's terms before it writes its hello and
// terms, so that the handshake also runs over a synchronous pipe.
func acceptRest(rw io.ReadWriter, self, them *hello) error {
	var err error
	if them.terms, err = readTerms(rw); err != nil {
		return err
	}
	if err := writeHello(rw, self); err != nil {
		return err
	}
	return checkPeerHello(self, them)
}
