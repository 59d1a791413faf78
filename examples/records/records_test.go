package records

import (
	"bytes"
	"context"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tdrt "github.com/tdflow/tdc/runtime"
)

func TestEntriesCounts(t *testing.T) {
	want := []string{"ada 9.5 math,engines 2", "edsger 9.0 structured 1", "grace 8.0 compilers 1", "linus 7.2 kernels,git 1"}
	for _, workers := range []int{1, 2, 4} {
		var out bytes.Buffer
		cfg := DefaultEntriesConfig()
		cfg.Runtime.Workers = workers
		cfg.Runtime.Stdout = &out
		cfg.Params.Input = "entries.txt"
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		require.NoError(t, RunEntries(ctx, cfg))
		cancel()
		got := strings.Split(strings.TrimSpace(out.String()), "\n")
		sort.Strings(got)
		assert.Equal(t, want, got, "workers=%d", workers)
	}
}

func TestEntriesBadLine(t *testing.T) {
	path := t.TempDir() + "/bad.txt"
	require.NoError(t, writeFile(path, "ada 9.5 1 2\nbob x 1 2\n"))
	cfg := DefaultEntriesConfig()
	cfg.Runtime.Workers = 2
	cfg.Runtime.Stdout = &bytes.Buffer{}
	cfg.Params.Input = path
	err := RunEntries(context.Background(), cfg)
	require.Error(t, err)
	var lerr *tdrt.LambdaError
	require.ErrorAs(t, err, &lerr)
	assert.Equal(t, "map", lerr.Op)
	assert.Contains(t, err.Error(), "records.tdf:")
	assert.Contains(t, err.Error(), `"bob x 1 2"`)
	assert.Contains(t, err.Error(), "invalid syntax")
}

// randomEntry returns an Entry with every field set from r.
func randomEntry(r *rand.Rand) Entry {
	word := func() string {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		return string(b)
	}
	e := Entry{
		Name:  word(),
		Score: r.NormFloat64(),
		Flags: [2]bool{r.IntN(2) == 0, r.IntN(2) == 0},
		At:    Point{X: r.Int32(), Y: -r.Int32()},
		Small: int8(r.IntN(256) - 128),
		Wide:  r.Uint64(),
		Pair:  tdrt.Tuple2[string, uint16]{F0: word(), F1: uint16(r.IntN(1 << 16))},
	}
	for i := r.IntN(4); i > 0; i-- {
		e.Tags = append(e.Tags, word())
	}
	if r.IntN(2) == 0 {
		e.Raw = []byte(word())
	}
	return e
}

// entryCodec finds the codec generated for Entry.
var entryCodec = tdrt.Codec[Entry]{Append: tdcEncodeEntry, Decode: tdcDecodeEntry}

func TestEntryCodecRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 200; n++ {
		recs := make([]Entry, r.IntN(20))
		for i := range recs {
			recs[i] = randomEntry(r)
		}
		enc := entryCodec.Append(nil, recs)
		got, err := entryCodec.Decode(enc, nil)
		require.NoError(t, err)
		require.Len(t, got, len(recs))
		for i := range recs {
			// nil and empty slices encode alike.
			if len(recs[i].Tags) == 0 {
				recs[i].Tags = got[i].Tags
			}
			if len(recs[i].Raw) == 0 {
				recs[i].Raw = got[i].Raw
			}
			assert.Equal(t, recs[i], got[i])
		}
		// Every strict prefix is an error, not a panic or a short batch.
		if len(enc) > 1 {
			cut := r.IntN(len(enc)-1) + 1
			_, err := entryCodec.Decode(enc[:cut], nil)
			assert.ErrorIs(t, err, tdrt.ErrBadRecord)
		}
	}
}

func TestEntryCodecAllocations(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	recs := []Entry{randomEntry(r), randomEntry(r)}
	buf := make([]byte, 0, 4096)
	allocs := testing.AllocsPerRun(100, func() { buf = entryCodec.Append(buf[:0], recs) })
	assert.Zero(t, allocs, "encoding allocates")
}

func FuzzEntryDecode(f *testing.F) {
	r := rand.New(rand.NewPCG(5, 6))
	f.Add(entryCodec.Append(nil, []Entry{randomEntry(r), randomEntry(r)}))
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := entryCodec.Decode(data, nil)
		if err != nil {
			return
		}
		// What decodes must encode back to the same bytes.
		assert.Equal(t, data, entryCodec.Append(nil, recs))
	})
}

// TestFixedCodecMatchesFieldwise checks that the bulk codec of Point, a
// record of fixed layout, writes the bytes of its field-by-field codec.
func TestFixedCodecMatchesFieldwise(t *testing.T) {
	fieldwise := tdrt.Codec[Point]{Append: tdcEncodePoint, Decode: tdcDecodePoint}
	bulk := tdrt.FixedCodec(fieldwise)
	r := rand.New(rand.NewPCG(7, 8))
	for n := 0; n < 50; n++ {
		recs := make([]Point, r.IntN(100))
		for i := range recs {
			recs[i] = Point{X: r.Int32() - r.Int32(), Y: r.Int32()}
		}
		enc := bulk.Append(nil, recs)
		require.Equal(t, fieldwise.Append(nil, recs), enc)
		got, err := bulk.Decode(enc, []Point{{X: 1}})
		require.NoError(t, err)
		require.Equal(t, append([]Point{{X: 1}}, recs...), got)
		if len(enc) > 1 {
			_, err := bulk.Decode(enc[:len(enc)-1], nil)
			assert.ErrorIs(t, err, tdrt.ErrBadRecord)
		}
	}
}

func TestCaptureCollectsWithTimes(t *testing.T) {
	for _, workers := range []int{1, 3} {
		cfg := DefaultSquaresConfig()
		cfg.Runtime.Workers = workers
		df, err := NewSquares(cfg)
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		df.Start(ctx)
		require.NoError(t, df.Wait())
		cancel()
		var got []int64
		for _, c := range df.Squares.Records() {
			assert.Equal(t, tdrt.Time{}, c.Time)
			got = append(got, c.Record)
		}
		sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
		assert.Equal(t, []int64{0, 1, 4, 9, 16, 25}, got, "workers=%d", workers)
	}
}
