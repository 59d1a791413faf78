package tdnet

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWireHeaderRoundTrip(t *testing.T) {
	h := NewFrameHeader(FrameData, 7, 3, AllWorkers)
	h.SetLength(1234)
	h.SetAux(99)
	assert.Equal(t, FrameData, h.Kind())
	assert.Equal(t, uint32(7), h.Channel())
	assert.Equal(t, uint32(3), h.Source())
	assert.Equal(t, uint32(AllWorkers), h.Target())
	assert.Equal(t, uint32(1234), h.Length())
	assert.Equal(t, uint32(99), h.Aux())
	assert.Equal(t, uint8(0), h.Flags())
	assert.NoError(t, h.Validate())
	assert.Equal(t, "data ch=7 src=3 dst=all len=1234 aux=99", h.String())

	// The layout of docs/wire.md, byte by byte.
	assert.Equal(t, byte(1), h[0])
	assert.Equal(t, uint32(1234), binary.LittleEndian.Uint32(h[4:]))
	assert.Equal(t, uint32(7), binary.LittleEndian.Uint32(h[8:]))
	assert.Equal(t, uint32(3), binary.LittleEndian.Uint32(h[12:]))
	assert.Equal(t, uint32(0xFFFFFFFF), binary.LittleEndian.Uint32(h[16:]))
	assert.Equal(t, uint32(99), binary.LittleEndian.Uint32(h[20:]))

	var copied FrameHeader
	copy(copied[:], h[:])
	assert.Equal(t, h, copied)
}

func TestWireFrameSize(t *testing.T) {
	for n, want := range map[int]int{0: 24, 1: 32, 8: 32, 9: 40, 1000: 1024, MaxPayload: MaxFrameSize} {
		h := NewFrameHeader(FrameData, 0, 0, 0)
		h.SetLength(uint32(n))
		assert.Equal(t, want, h.FrameSize(), "payload %d", n)
	}
}

func TestWireHeaderValidate(t *testing.T) {
	with := func(k FrameKind, f func(*FrameHeader)) FrameHeader {
		h := NewFrameHeader(k, 0, 0, 0)
		f(&h)
		return h
	}
	for _, tc := range []struct {
		name string
		h    FrameHeader
		want error
		msg  string
	}{
		{"zero kind", FrameHeader{}, ErrBadFrame, "unknown frame kind 0"},
		{"unknown kind", with(9, func(*FrameHeader) {}), ErrBadFrame, "unknown frame kind 9"},
		{"flags", with(FrameData, func(h *FrameHeader) { h[1] = 4 }), ErrBadFrame, "data frame with flags 0x4"},
		{"reserved", with(FrameData, func(h *FrameHeader) { h[3] = 1 }), ErrBadFrame, "reserved"},
		{"too large", with(FrameData, func(h *FrameHeader) { h.SetLength(MaxPayload + 1) }), ErrFrameTooLarge, "over the limit"},
		{"ping payload", with(FramePing, func(h *FrameHeader) { h.SetLength(1) }), ErrBadFrame, "ping frame with a payload of 1 bytes"},
		{"goodbye routing", with(FrameGoodbye, func(h *FrameHeader) { h.SetAux(1) }), ErrBadFrame, "routing fields"},
		{"error too long", with(FrameFailure, func(h *FrameHeader) { h.SetLength(MaxErrorMessage + 1) }), ErrFrameTooLarge, "error frame"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.h.Validate()
			require.ErrorIs(t, err, tc.want)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
	for _, k := range []FrameKind{FrameData, FrameProgress, FramePing, FrameGoodbye, FrameFailure} {
		h := NewFrameHeader(k, 0, 0, 0)
		assert.NoError(t, h.Validate(), k.String())
	}
	ok := NewFrameHeader(FrameProgress, 1, 2, AllWorkers)
	ok.SetLength(MaxPayload)
	assert.NoError(t, ok.Validate())
}

func TestWirePeerError(t *testing.T) {
	err := &PeerError{Process: 1, Addr: "127.0.0.1:7001", Err: wireErrorf(ErrPeerClosed, "closed the connection unexpectedly")}
	assert.Equal(t, "process 1 (127.0.0.1:7001) closed the connection unexpectedly", err.Error())
	assert.ErrorIs(t, err, ErrPeerClosed)
	var pe *PeerError
	require.True(t, errors.As(error(err), &pe))
	assert.Equal(t, 1, pe.Process)

	anon := &PeerError{Process: -1, Addr: "10.0.0.1:5555", Err: wireErrorf(ErrBadMagic, "is not a tdc process")}
	assert.Equal(t, "connection from 10.0.0.1:5555: is not a tdc process", anon.Error())
	assert.Equal(t, "process 2 sent x", (&PeerError{Process: 2, Err: errors.New("sent x")}).Error())
}

func TestWireSanitizeMessage(t *testing.T) {
	assert.Equal(t, "ok: fine", sanitizePeerMessage([]byte("ok: fine")))
	assert.Equal(t, "a?b?c", sanitizePeerMessage([]byte("a\x1bb\xffc")))
	assert.Len(t, sanitizePeerMessage(make([]byte, 5000)), MaxErrorMessage)
}
