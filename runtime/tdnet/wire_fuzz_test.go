package tdnet

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
)

func FuzzFrameReader(f *testing.F) {
	// Small seeds: the fuzzer minimizes byte by byte.
	good := netEncodeFrames([]netTestFrame{
		{h: NewFrameHeader(FrameData, 1, 2, 3), payload: []byte("records")},
		{h: NewFrameHeader(FramePing, 0, 0, 0)},
		{h: NewFrameHeader(FrameProgress, 0, 1, AllWorkers), payload: []byte{1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{h: NewFrameHeader(FrameData, 1, 2, 3)},
	}, true)
	f.Add(good, uint8(3))
	f.Add(good[:len(good)-5], uint8(255))
	f.Add(netEncodeFrames([]netTestFrame{{h: NewFrameHeader(FrameFailure, 0, 0, 0), payload: []byte("oops")}}, false), uint8(0))
	f.Add(append(netBigHeader(), 1, 2, 3), uint8(9))
	f.Add([]byte("garbage that is not a frame at all"), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		r := &netChunkReader{data: data, rng: rand.New(rand.NewPCG(uint64(len(data)), 0)), max: int(chunk) + 1}
		fr := NewFrameReader(r, ReaderConfig{Peer: 1})
		err := fr.ReadLoop(func(f Frame) error {
			if len(f.Payload) != int(f.Header.Length()) {
				t.Fatalf("payload of %d bytes for %v", len(f.Payload), f.Header)
			}
			if err := f.Header.Validate(); err != nil {
				t.Fatalf("delivered a bad header: %v", err)
			}
			f.Release()
			return nil
		})
		if err == nil && !bytes.Contains(data, []byte{byte(FrameGoodbye)}) {
			t.Fatal("a clean end without a goodbye")
		}
		if out, _ := fr.pool.stats(); out != 0 {
			t.Fatalf("%d bytes of slabs not returned", out)
		}
	})
}

// netFuzzConn reads from a fixed input and discards writes.
type netFuzzConn struct{ r io.Reader }

func (c netFuzzConn) Read(p []byte) (int, error)  { return c.r.Read(p) }
func (c netFuzzConn) Write(p []byte) (int, error) { return len(p), nil }

func FuzzHandshake(f *testing.F) {
	terms := []Term{{"param n", "1"}}
	acceptor := makeHello(netIdent(0, "abc", terms...), helloWantAny)
	dialer := makeHello(netIdent(1, "abc", terms...), 0)
	enc, _ := encodeTerms(terms)
	f.Add(append(acceptor.raw[:], enc...), true)
	f.Add(append(dialer.raw[:], enc...), false)
	f.Add(acceptor.raw[:50], true)
	f.Add([]byte("TDCN\x03\x00"), false)
	f.Fuzz(func(t *testing.T, data []byte, dial bool) {
		id := netIdent(0, "abc", terms...)
		conn := netFuzzConn{bytes.NewReader(data)}
		if dial {
			id.Index = 1
			_ = DialHandshake(conn, id, 0, "x:1")
			return
		}
		peer, err := AcceptHandshake(conn, id, "x:1")
		if err == nil && (peer <= 0 || peer >= id.Processes) {
			t.Fatalf("accepted peer %d", peer)
		}
	})
}
