package readers

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tdrt "github.com/tdflow/tdc/runtime"
)

// run runs a dataflow of this package with cfg's runtime set to workers
// and returns its printed lines, sorted, and its error.
func run(t *testing.T, workers int, start func(context.Context, tdrt.Config) error) ([]string, error) {
	t.Helper()
	var out bytes.Buffer
	cfg := tdrt.DefaultConfig()
	cfg.Workers = workers
	cfg.Stdout = &out
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := start(ctx, cfg)
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if out.Len() == 0 {
		got = nil
	}
	sort.Strings(got)
	return got, err
}

func runRows(t *testing.T, workers int, path string) ([]string, error) {
	return run(t, workers, func(ctx context.Context, rt tdrt.Config) error {
		cfg := DefaultRowsConfig()
		cfg.Runtime, cfg.Params.Input = rt, path
		return RunRows(ctx, cfg)
	})
}

func runCSVRows(t *testing.T, workers int, path string, header bool) ([]string, error) {
	return run(t, workers, func(ctx context.Context, rt tdrt.Config) error {
		cfg := DefaultCSVRowsConfig()
		cfg.Runtime, cfg.Params.CsvInput, cfg.Params.Header = rt, path, header
		return RunCSVRows(ctx, cfg)
	})
}

func runEdges(t *testing.T, workers int, path string) ([]string, error) {
	return run(t, workers, func(ctx context.Context, rt tdrt.Config) error {
		cfg := DefaultEdgesConfig()
		cfg.Runtime, cfg.Params.Edges = rt, path
		return RunEdges(ctx, cfg)
	})
}

// TestSamples reads the shipped files, whose lines use every form the
// formats allow: comments, blank lines, tabs, "\r\n", signs, quotes, a
// header, a last line without newline.
func TestSamples(t *testing.T) {
	rows := []string{
		"{Name:ada Count:7 Delta:-3 Score:9.5 Ok:true Big:18446744073709551615 Small:-9223372036854775808 Ratio:0.25}",
		"{Name:grace Count:65535 Delta:127 Score:-1000 Ok:false Big:0 Small:42 Ratio:1.5}",
		"{Name:linus Count:1 Delta:5 Score:0.5 Ok:true Big:12 Small:-7 Ratio:3}",
	}
	csvRows := []string{rows[0],
		"{Name:grace, rear admiral Count:65535 Delta:127 Score:-1000 Ok:false Big:0 Small:42 Ratio:1.5}",
		`{Name:say "hi" Count:1 Delta:5 Score:0.5 Ok:true Big:12 Small:-7 Ratio:3}`,
	}
	for _, workers := range []int{1, 2, 5} {
		got, err := runRows(t, workers, "rows.txt")
		require.NoError(t, err)
		assert.Equal(t, rows, got, "read, %d workers", workers)
		got, err = runCSVRows(t, workers, "rows.csv", true)
		require.NoError(t, err)
		assert.Equal(t, csvRows, got, "csv, %d workers", workers)
		got, err = runEdges(t, workers, "edges.txt")
		require.NoError(t, err)
		assert.Equal(t, []string{"{Src:0 Weight:5}", "{Src:1 Weight:-2}", "{Src:2 Weight:0}"}, got)
		got, err = run(t, workers, func(ctx context.Context, rt tdrt.Config) error {
			cfg := DefaultNumbersConfig()
			cfg.Runtime, cfg.Params.Numbers = rt, "numbers.txt"
			return RunNumbers(ctx, cfg)
		})
		require.NoError(t, err)
		assert.Equal(t, []string{"-2", "1", "3", "4", "5"}, got)
	}
	_, err := runCSVRows(t, 2, "rows.csv", false)
	assert.EqualError(t, err, `rows.csv:1: field 2 (Count): "count" is not a valid uint16: invalid syntax (line: "name,count,delta,score,ok,big,small,ratio")`)
}

// edgeFile writes n lines of edges, with comments, blank lines, "\r\n"
// and odd spacing among them, and a last line without newline unless
// lastNewline, and returns the records the file holds, parsed line by
// line with the exact parser, as the Edges dataflow prints them.
func edgeFile(t *testing.T, path string, n int, seed uint64, lastNewline bool) []string {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	for range n {
		src, w := rng.Uint32(), rng.Int32()
		switch rng.IntN(20) {
		case 0:
			b.WriteString("# a comment\n")
		case 1:
			b.WriteString("\n")
		case 2:
			fmt.Fprintf(&b, "  %d\t%d \r\n", src, w)
		case 3:
			fmt.Fprintf(&b, "%d +%d\n", src, w&(1<<30-1))
		default:
			fmt.Fprintf(&b, "%d %d\n", src, w)
		}
	}
	if !lastNewline {
		fmt.Fprintf(&b, "%d %d", rng.Uint32(), rng.Int32())
	}
	text := b.String()
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	recs, _, err := readExactly(text, tdcParseEdge)
	require.NoError(t, err)
	var want []string
	for _, e := range recs {
		want = append(want, fmt.Sprintf("%+v", e))
	}
	sort.Strings(want)
	return want
}

// TestEdgesAcrossWorkers reads files of up to 1.2 MB, whose lines
// straddle the reader's buffer at every block, with up to 7 workers (more
// workers than a tiny file has bytes, too), with and without a final
// newline: every worker's share together is the file's records.
func TestEdgesAcrossWorkers(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []int{1, 60, 60_000} {
		for _, last := range []bool{true, false} {
			path := filepath.Join(dir, fmt.Sprintf("edges-%d-%v.txt", n, last))
			want := edgeFile(t, path, n, uint64(n), last)
			for _, workers := range []int{1, 2, 3, 7} {
				got, err := runEdges(t, workers, path)
				require.NoError(t, err)
				require.Equal(t, want, got, "%d lines, final newline %v, %d workers", n, last, workers)
			}
		}
	}
	tiny := filepath.Join(dir, "tiny.txt")
	require.NoError(t, os.WriteFile(tiny, []byte("1 2"), 0o644))
	got, err := runEdges(t, 7, tiny)
	require.NoError(t, err)
	assert.Equal(t, []string{"{Src:1 Weight:2}"}, got)
}

// TestBadLineInEveryShare: a line that is not a record is named by its
// number whichever worker reads it, far into the file.
func TestBadLineInEveryShare(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := range 200_000 {
		fmt.Fprintf(&b, "%d %d\n", i, -i)
	}
	good := b.String()
	for _, at := range []int{0, 99_999, 150_001, 199_999} {
		lines := strings.SplitAfter(good, "\n")
		lines[at] = "5 x\n"
		path := filepath.Join(dir, fmt.Sprintf("bad-%d.txt", at))
		require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines, "")), 0o644))
		for _, workers := range []int{1, 2, 4} {
			_, err := runEdges(t, workers, path)
			assert.EqualError(t, err, fmt.Sprintf(`%s:%d: field 2 (Weight): "x" is not a valid int32: invalid syntax (line: "5 x")`, path, at+1), "%d workers", workers)
		}
	}
}

// readExactly parses the lines of text one by one with parse, as a typed
// source did before block parsing: the reference for the generated
// readers.
func readExactly[T any](text string, parse func(string) (T, error)) ([]T, int, error) {
	var recs []T
	for i := 0; i < len(text); {
		line, next := tdrt.LineAt(text, i)
		if !tdrt.SkipLine(line) {
			rec, err := parse(line)
			if err != nil {
				return recs, i, err
			}
			recs = append(recs, rec)
		}
		i = next
	}
	return recs, len(text), nil
}

// sameAsExact fails unless the generated reader read text as readExactly
// does: the same records, and the same error at the same line.
func sameAsExact[T any](t *testing.T, text string, read func([]T, string, int) ([]T, int, error), parse func(string) (T, error)) {
	t.Helper()
	recs, bad, err := read(nil, text, 0)
	wantRecs, wantBad, wantErr := readExactly(text, parse)
	// %+v, not ==: a NaN is the same record as itself.
	require.Equal(t, fmt.Sprintf("%+v", wantRecs), fmt.Sprintf("%+v", recs), "records of %q", text)
	require.Equal(t, fmt.Sprint(wantErr), fmt.Sprint(err), "error of %q", text)
	if wantErr != nil {
		require.Equal(t, wantBad, bad, "offset of the bad line of %q", text)
	}
}

// seeds are texts at the edges of both formats.
var seeds = []string{
	"", "\n", "\r\n", "\r", "#", "# 1 2\n", "  # x\n", " \t \n", "1 2", "1 2\n", "1\t2\r\n", "1 2 \n", "1 2\t\r\n",
	"1 2\r", "1 2\r\r\n", "1 2\r 3\n", "1\r2\n", "1  2\n", "1 2 3\n", "1\n", "x 1\n", "1 x\n", "-1 2\n", "+1 2\n",
	"1 +2\n", "1 -2147483648\n", "1 2147483648\n", "4294967295 1\n", "4294967296 1\n", "007 -0\n", "1,2\n", "1, 2\n",
	"\"1\",2\n", "a,b,c\n", "a,,c\n", ",\n", "\"a,b\",1,2\n", "\"a\"\"b\",1\n", "\"open,1\n", "a\"b,1\n",
	"ada 7 -3 9.5 true 18446744073709551615 -9223372036854775808 0.25\n",
	"ada,7,-3,9.5,true,18446744073709551615,-9223372036854775808,0.25\r\n",
	"b 65535 127 NaN T 0 -1 1e3\n", "b 65536 127 1 T 0 -1 1\n", "b 1 -128 1 T 0 -1 1\n", "b 1 128 1 T 0 -1 1\n",
	"b 1 1 0x10 t 1 1 1\n", "b 1 1 1_0 1 1 1 1\n", "b 1 1 1 yes 1 1 1\n", "b 1 1 1 1 18446744073709551616 1 1\n",
	"b,1,1,1,1,1,1,1,\n", "b,1,1,1,1,1,1\n", "#b,1,1,1,1,1,1,1\n", " b,1,1,1,1,1,1,1\n", "b,1,1,1,1,1,1,1 \n",
}

func FuzzReadRow(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		sameAsExact(t, text, tdcReadRow, tdcParseRow)
		sameAsExact(t, text, tdcReadCSVRow, tdcParseCSVRow)
	})
}

func FuzzReadEdge(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		sameAsExact(t, text, tdcReadEdge, tdcParseEdge)
		sameAsExact(t, text, tdcReadInt64, tdcParseInt64)
	})
}

// TestReadersDoNotAllocate: parsing a block of records without strings
// allocates nothing once the slice has grown.
func TestReadersDoNotAllocate(t *testing.T) {
	text := strings.Repeat("12 -34\n# x\n\n5\t6\r\n", 100)
	recs, _, err := tdcReadEdge(nil, text, 0)
	require.NoError(t, err)
	require.Len(t, recs, 200)
	assert.Zero(t, testing.AllocsPerRun(20, func() {
		recs, _, err = tdcReadEdge(recs[:0], text, 0)
	}))
}

// BenchmarkReadEdge parses a block of 256 KiB of "src weight" lines.
func BenchmarkReadEdge(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	var sb strings.Builder
	for sb.Len() < 256<<10 {
		fmt.Fprintf(&sb, "%d %d\n", rng.Uint32N(1_000_000), rng.Int32N(1_000_000))
	}
	text := sb.String()
	var recs []Edge
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		recs, _, _ = tdcReadEdge(recs[:0], text, 0)
	}
}
