package tdnet

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds the frame format of the network layer: the header every
// frame starts with, its limits, and the errors of the layer. The byte
// layout is specified in docs/wire.md; keep the two in step.

// Sizes and limits of frames.
const (
	// FrameHeaderSize is the size of a frame header in bytes.
	FrameHeaderSize = 24
	// FrameAlign is the alignment of frames in a stream: a frame takes
	// FrameHeaderSize+Length bytes rounded up to a multiple of FrameAlign, the
	// padding is zero, and so every payload starts 8-byte aligned in a
	// receive slab.
	FrameAlign = 8
	// MaxFrameSize is the largest frame, header and padding included.
	MaxFrameSize = 16 << 20
	// MaxPayload is the largest payload of a frame.
	MaxPayload = MaxFrameSize - FrameHeaderSize
	// MaxErrorMessage is the largest payload of a FrameFailure frame.
	MaxErrorMessage = 1024
	// AllWorkers as the target of a frame means every worker of the
	// receiving process: the frame travels once per process and is fanned
	// out on arrival (broadcast channels, progress).
	AllWorkers = math.MaxUint32
)

// FrameKind says what a frame carries.
type FrameKind uint8

// The kinds of frames. Zero is not a kind, so that zeroed bytes are
// rejected as garbage.
const (
	// FrameData carries serialized records of channel Channel from worker
	// Source to worker Target (or AllWorkers).
	FrameData FrameKind = 1
	// FrameProgress carries a worker's progress updates (an atomic batch);
	// Target is usually AllWorkers.
	FrameProgress FrameKind = 2
	// FramePing is a heartbeat with no payload, sent by an idle writer so
	// the peer knows the process is alive. Readers consume it.
	FramePing FrameKind = 3
	// FrameGoodbye is the last frame a process sends on a connection when
	// it finishes cleanly; it has no payload. Readers consume it.
	FrameGoodbye FrameKind = 4
	// FrameFailure is the last frame a process sends when it fails; its
	// payload is the reason, UTF-8, at most MaxErrorMessage bytes.
	// Readers turn it into an error wrapping ErrPeerFailed.
	FrameFailure FrameKind = 5
	// FrameStats carries a process's figures for the web view, a JSON
	// Snapshot of package runtime; processes other than 0 send one to
	// process 0 about once a second while the web view is on. Routing
	// fields are zero but Source, the sender's first worker.
	FrameStats FrameKind = 6
)

// String returns the kind's name ("data", "progress", ...).
func (k FrameKind) String() string {
	switch k {
	case FrameData:
		return "data"
	case FrameProgress:
		return "progress"
	case FramePing:
		return "ping"
	case FrameGoodbye:
		return "goodbye"
	case FrameFailure:
		return "error"
	case FrameStats:
		return "stats"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// control reports whether frames of kind k are consumed by the network
// layer itself rather than handed to the layer above.
func (k FrameKind) control() bool { return k == FramePing || k == FrameGoodbye || k == FrameFailure }

// FrameHeader is a frame header as it travels: FrameHeaderSize bytes, little endian.
//
//	offset size field
//	0      1    kind
//	1      1    flags (zero in version 1)
//	2      2    reserved (zero)
//	4      4    length of the payload in bytes
//	8      4    channel
//	12     4    source worker
//	16     4    target worker, or AllWorkers
//	20     4    aux: opaque to the network layer
//
// Control frames (ping, goodbye, error) have zero channel, workers and aux.
type FrameHeader [FrameHeaderSize]byte

// FrameHeader field offsets.
const (
	hdrKind     = 0
	hdrFlags    = 1
	hdrReserved = 2
	hdrLength   = 4
	hdrChannel  = 8
	hdrSource   = 12
	hdrTarget   = 16
	hdrAux      = 20
)

// NewFrameHeader returns the header of a frame of kind k on channel from worker
// source to worker target (or AllWorkers), with a zero length and aux.
func NewFrameHeader(k FrameKind, channel, source, target uint32) FrameHeader {
	var h FrameHeader
	h[hdrKind] = byte(k)
	binary.LittleEndian.PutUint32(h[hdrChannel:], channel)
	binary.LittleEndian.PutUint32(h[hdrSource:], source)
	binary.LittleEndian.PutUint32(h[hdrTarget:], target)
	return h
}

// Kind returns the frame's kind.
func (h FrameHeader) Kind() FrameKind { return FrameKind(h[hdrKind]) }

// Flags returns the flags byte; zero in protocol version 1.
func (h FrameHeader) Flags() uint8 { return h[hdrFlags] }

// Length returns the length of the payload in bytes, padding excluded.
func (h FrameHeader) Length() uint32 { return binary.LittleEndian.Uint32(h[hdrLength:]) }

// Channel returns the channel the frame belongs to.
func (h FrameHeader) Channel() uint32 { return binary.LittleEndian.Uint32(h[hdrChannel:]) }

// Source returns the worker that sent the frame.
func (h FrameHeader) Source() uint32 { return binary.LittleEndian.Uint32(h[hdrSource:]) }

// Target returns the worker the frame is for, or AllWorkers.
func (h FrameHeader) Target() uint32 { return binary.LittleEndian.Uint32(h[hdrTarget:]) }

// Aux returns the aux field, which the network layer does not interpret
// (the layer above may put a sequence number or a dataflow id there).
func (h FrameHeader) Aux() uint32 { return binary.LittleEndian.Uint32(h[hdrAux:]) }

// SetLength sets the payload length.
func (h *FrameHeader) SetLength(n uint32) { binary.LittleEndian.PutUint32(h[hdrLength:], n) }

// SetAux sets the aux field.
func (h *FrameHeader) SetAux(v uint32) { binary.LittleEndian.PutUint32(h[hdrAux:], v) }

// FrameSize returns the bytes the frame takes in the stream: header,
// payload and padding.
func (h FrameHeader) FrameSize() int { return frameSize(int(h.Length())) }

// frameSize returns the stream size of a frame with a payload of n bytes.
func frameSize(n int) int { return (FrameHeaderSize + n + FrameAlign - 1) &^ (FrameAlign - 1) }

// Validate checks what a receiver can check of a header alone: a known
// kind, zero flags and reserved bytes, a length within MaxPayload (within
// MaxErrorMessage for FrameFailure, zero for ping and goodbye), and zero
// routing fields on control frames. The error wraps ErrBadFrame or
// ErrFrameTooLarge.
func (h FrameHeader) Validate() error {
	k := h.Kind()
	switch {
	case k < FrameData || k > FrameStats:
		return wireErrorf(ErrBadFrame, "unknown frame kind %d", uint8(k))
	case h.Flags() != 0:
		return wireErrorf(ErrBadFrame, "%s frame with flags %#x", k, h.Flags())
	case h[hdrReserved] != 0 || h[hdrReserved+1] != 0:
		return wireErrorf(ErrBadFrame, "%s frame with reserved bytes set", k)
	case h.Length() > MaxPayload:
		return wireErrorf(ErrFrameTooLarge, "%s frame of %d bytes, over the limit of %d", k, h.Length(), MaxPayload)
	}
	if !k.control() {
		return nil
	}
	if h.Channel() != 0 || h.Source() != 0 || h.Target() != 0 || h.Aux() != 0 {
		return wireErrorf(ErrBadFrame, "%s frame with routing fields set", k)
	}
	if k == FrameFailure {
		if h.Length() > MaxErrorMessage {
			return wireErrorf(ErrFrameTooLarge, "error frame of %d bytes, over the limit of %d", h.Length(), MaxErrorMessage)
		}
	} else if h.Length() != 0 {
		return wireErrorf(ErrBadFrame, "%s frame with a payload of %d bytes", k, h.Length())
	}
	return nil
}

// String describes the header for messages and tests.
func (h FrameHeader) String() string {
	t := fmt.Sprint(h.Target())
	if h.Target() == AllWorkers {
		t = "all"
	}
	return fmt.Sprintf("%s ch=%d src=%d dst=%s len=%d aux=%d", h.Kind(), h.Channel(), h.Source(), t, h.Length(), h.Aux())
}

// Errors of the network layer. Errors returned by it wrap one of these
// (test with errors.Is) and most come as a [*PeerError] naming the peer.
var (
	// ErrBadMagic: the peer is not a tdc process (the handshake did not
	// start with the magic bytes).
	ErrBadMagic = errors.New("not a tdc process (bad magic)")
	// ErrVersion: the peer speaks another protocol version.
	ErrVersion = errors.New("different protocol version")
	// ErrFingerprint: the peer runs a different program (plan fingerprint).
	ErrFingerprint = errors.New("different program (plan fingerprint)")
	// ErrSecret: the shared secrets differ, or only one side uses TLS.
	ErrSecret = errors.New("shared secret mismatch")
	// ErrTLS: the TLS session failed: a certificate that is not trusted,
	// or data that failed authentication (tampered with in transit).
	ErrTLS = errors.New("TLS failure")
	// ErrHandshake: another handshake failure: a bad hello, a process
	// index or count that does not fit, a connection that ended early.
	ErrHandshake = errors.New("handshake failed")
	// ErrFrameTooLarge: a frame over MaxFrameSize (or a payload over
	// MaxPayload handed to a Sender).
	ErrFrameTooLarge = errors.New("frame too large")
	// ErrBadFrame: a frame header that makes no sense.
	ErrBadFrame = errors.New("bad frame")
	// ErrPeerClosed: the peer closed the connection without a goodbye,
	// possibly in the middle of a frame, or the connection broke.
	ErrPeerClosed = errors.New("connection closed unexpectedly")
	// ErrPeerTimeout: nothing (not even a heartbeat) came from the peer
	// for longer than the peer timeout.
	ErrPeerTimeout = errors.New("peer timed out")
	// ErrPeerFailed: the peer reported its own failure in an error frame.
	ErrPeerFailed = errors.New("peer failed")
	// ErrConnectTimeout: a peer did not come within the connect timeout.
	ErrConnectTimeout = errors.New("peer did not come")
	// ErrNetClosed: the mesh or sender was closed or failed; no more
	// frames can be sent.
	ErrNetClosed = errors.New("network closed")
)

// wireError is an error of the network layer: a message phrased as what
// the peer did ("sent a bad frame: ..."), wrapping one of the sentinel
// errors.
type wireError struct {
	kind  error
	msg   string
	fatal bool // a mismatch of configuration, not worth retrying
}

func (e *wireError) Error() string { return e.msg }
func (e *wireError) Unwrap() error { return e.kind }

// wireErrorf returns a *wireError of kind with a formatted message.
func wireErrorf(kind error, format string, args ...any) error {
	return &wireError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// PeerError is an error about one peer process. Its message makes the
// peer the subject: "process 1 (127.0.0.1:7001) ended before the
// computation finished: ...". Err wraps one of the sentinel errors.
type PeerError struct {
	Process int    // the peer's index, or -1 when not known yet
	Addr    string // its address, when known
	Err     error  // what happened, phrased as a predicate
}

// Error returns "process <Process> (<Addr>) <Err>", or "connection from
// <Addr>: <Err>" when the process is not known.
func (e *PeerError) Error() string {
	var b strings.Builder
	if e.Process < 0 {
		fmt.Fprintf(&b, "connection from %s: ", e.Addr)
	} else {
		fmt.Fprintf(&b, "process %d ", e.Process)
		if e.Addr != "" {
			fmt.Fprintf(&b, "(%s) ", e.Addr)
		}
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns Err.
func (e *PeerError) Unwrap() error { return e.Err }

// sanitizePeerMessage makes an error message a peer sent fit for printing:
// valid UTF-8, no control characters, at most MaxErrorMessage bytes.
func sanitizePeerMessage(b []byte) string {
	if len(b) > MaxErrorMessage {
		b = b[:MaxErrorMessage]
	}
	s := strings.ToValidUTF8(string(b), "?")
	return strings.Map(func(r rune) rune {
		if r == utf8.RuneError || !unicode.IsPrint(r) && r != ' ' {
			return '?'
		}
		return r
	}, s)
}
