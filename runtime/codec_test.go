package runtime

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// encodeWords and decodeWords are what tdc generates for a channel of
// (string, uint32) records.
func encodeWords(dst []byte, recs []Tuple2[string, uint32]) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(recs)))
	for _, r := range recs {
		dst = AppendString(dst, r.F0)
		dst = binary.LittleEndian.AppendUint32(dst, r.F1)
	}
	return dst
}

func decodeWords(src []byte, dst []Tuple2[string, uint32]) ([]Tuple2[string, uint32], error) {
	r := NewReader(src)
	n := r.Len(2)
	for i := 0; i < n && r.Err() == nil; i++ {
		dst = append(dst, Tuple2[string, uint32]{r.String(), r.Uint32()})
	}
	return dst, r.Finish()
}

func TestReaderStringsShareOneCopy(t *testing.T) {
	recs := []Tuple2[string, uint32]{{"", 1}, {"alpha", 2}, {"", 3}, {"beta gamma", 4}, {"δ", 5}}
	for len(recs) < 1000 {
		recs = append(recs, recs[len(recs)%5])
	}
	enc := encodeWords(nil, recs)
	got, err := decodeWords(enc, nil)
	require.NoError(t, err)
	assert.Equal(t, recs, got)

	// The strings do not point into the encoded bytes, which the network
	// layer reuses.
	for i := range enc {
		enc[i] = 0
	}
	assert.Equal(t, recs, got)

	enc = encodeWords(nil, recs)
	dst := make([]Tuple2[string, uint32], 0, len(recs))
	allocs := testing.AllocsPerRun(20, func() {
		dst, err = decodeWords(enc, dst[:0])
	})
	require.NoError(t, err)
	assert.Equal(t, 1.0, allocs, "one copy of the batch's bytes for all its strings")
}

func TestReaderStringErrors(t *testing.T) {
	enc := encodeWords(nil, []Tuple2[string, uint32]{{"alpha", 1}, {"beta", 2}})
	for n := 0; n < len(enc); n++ {
		_, err := decodeWords(enc[:n], nil)
		assert.ErrorIs(t, err, ErrBadRecord, "truncated to %d bytes", n)
	}
	_, err := decodeWords(append(enc, 0), nil)
	assert.ErrorIs(t, err, ErrBadRecord)
}

func FuzzReaderStrings(f *testing.F) {
	f.Add(encodeWords(nil, []Tuple2[string, uint32]{{"alpha", 1}, {"", 2}}))
	f.Add([]byte{2, 5, 'a'})
	f.Fuzz(func(t *testing.T, src []byte) {
		recs, err := decodeWords(src, nil)
		if err != nil {
			return
		}
		// What decodes encodes back to the same bytes (one encoding a value).
		assert.Equal(t, src, encodeWords(nil, recs))
	})
}
