package runtime

import (
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wantLines splits content as OpenLines does.
func wantLines(content string) []string {
	if content == "" {
		return nil
	}
	parts := strings.Split(content, "\n")
	last := len(parts) - 1
	if parts[last] == "" {
		parts = parts[:last]
	}
	for i := range parts {
		if i < last {
			parts[i] = strings.TrimSuffix(parts[i], "\r")
		}
	}
	return parts
}

// readAll reads every line of r, limit lines per Read.
func readAll(t *testing.T, r *LineReader, limit int) []string {
	t.Helper()
	var got []string
	for i := 0; ; i++ {
		require.Less(t, i, 1<<20, "Read never ends")
		n := len(got)
		var err error
		got, err = r.Read(got, limit)
		if err == io.EOF {
			assert.Equal(t, n, len(got), "io.EOF comes with no lines")
			break
		}
		require.NoError(t, err)
		require.LessOrEqual(t, len(got)-n, limit)
	}
	_, err := r.Read(nil, limit)
	assert.Equal(t, io.EOF, err, "io.EOF again")
	require.NoError(t, r.Close())
	return got
}

// randomContent returns a file's content with lines of random lengths,
// some empty, some with "\r\n", some longer than a buffer of size bytes.
func randomContent(rng *rand.Rand, size int) string {
	var b strings.Builder
	lines := rng.IntN(30)
	for i := 0; i < lines; i++ {
		n := rng.IntN(20)
		switch rng.IntN(10) {
		case 0:
			n = 0
		case 1:
			n = size + rng.IntN(3*size)
		}
		for j := 0; j < n; j++ {
			b.WriteByte("abc \r"[rng.IntN(5)])
		}
		if i < lines-1 || rng.IntN(2) == 0 {
			if rng.IntN(3) == 0 {
				b.WriteByte('\r')
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func TestOpenLinesSharesCoverFile(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	dir := t.TempDir()
	fixed := []string{"", "\n", "\n\n", "a", "a\n", "a\r\nb", "a\r\n\r\nb\r\n", "x\ry\n", "\r"}
	// Buffers of one byte, smaller than most lines, and the reader's.
	for _, size := range []int{1, 16, readBuffer} {
		contents := fixed
		for range 30 {
			contents = append(contents, randomContent(rng, size))
		}
		for i, content := range contents {
			path := filepath.Join(dir, "f.txt")
			require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
			want := wantLines(content)
			for peers := 1; peers <= 5; peers++ {
				var got []string
				for w := 0; w < peers; w++ {
					r, err := openLines(path, w, peers, size)
					require.NoError(t, err)
					got = append(got, readAll(t, r, 1+rng.IntN(4))...)
				}
				if !assert.Equal(t, want, got, "content %d, %d peers, buffer %d", i, peers, size) {
					return
				}
			}
		}
	}
}

func TestOpenLinesStdin(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "stdin")
	require.NoError(t, err)
	_, err = f.WriteString("one\ntwo\r\nthree")
	require.NoError(t, err)
	_, err = f.Seek(0, io.SeekStart)
	require.NoError(t, err)
	saved := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = saved }()

	r, err := OpenLines("", 1, 2)
	require.NoError(t, err)
	assert.Empty(t, readAll(t, r, 10), "only worker 0 reads standard input")
	r, err = OpenLines("-", 0, 2)
	require.NoError(t, err)
	assert.Equal(t, []string{"one", "two", "three"}, readAll(t, r, 10))
	_, err = f.Seek(0, io.SeekCurrent)
	assert.NoError(t, err, "standard input stays open")
}

func TestOpenLinesErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.txt")
	_, err := OpenLines(missing, 0, 1)
	assert.EqualError(t, err, "open "+missing+": no such file or directory")
	_, err = OpenLines(dir, 0, 1)
	assert.ErrorContains(t, err, "is a directory")
	_, err = OpenLines(missing, 2, 2)
	assert.ErrorContains(t, err, "worker 2 of 2")
}

func TestRangeShare(t *testing.T) {
	for _, tc := range []struct{ lo, hi int64 }{{0, 0}, {0, 1}, {0, 10}, {-7, 13}, {5, 3}, {-1 << 63, 1<<63 - 1}} {
		for peers := 1; peers <= 7; peers++ {
			next := tc.lo
			for w := 0; w < peers; w++ {
				lo, hi := RangeShare(tc.lo, tc.hi, w, peers)
				assert.Equal(t, next, lo, "%v worker %d of %d", tc, w, peers)
				assert.LessOrEqual(t, lo, hi)
				next = hi
			}
			assert.Equal(t, max(tc.lo, tc.hi), next, "%v, %d peers", tc, peers)
		}
	}
	lo, hi := RangeShare(0, 10, 1, 3)
	assert.Equal(t, [2]int64{3, 6}, [2]int64{lo, hi})
	assert.Panics(t, func() { RangeShare(0, 10, 3, 3) })
}

func TestOpenLinesNotRegular(t *testing.T) {
	if _, err := os.Stat(os.DevNull); err != nil {
		t.Skip(err)
	}
	for w := 0; w < 2; w++ {
		r, err := OpenLines(os.DevNull, w, 2)
		require.NoError(t, err)
		assert.Empty(t, readAll(t, r, 5))
	}
}

// TestReadBlockView: the blocks of ReadBlockView hold the lines Read
// returns, whole, as views that stay valid until the next read, without
// allocating once warm.
func TestReadBlockView(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	path := filepath.Join(t.TempDir(), "lines.txt")
	for range 20 {
		content := randomContent(rng, readBuffer)
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
		for peers := 1; peers <= 3; peers++ {
			var got []string
			for w := range peers {
				r, err := OpenLines(path, w, peers)
				require.NoError(t, err)
				for {
					text, err := r.ReadBlockView()
					if err == io.EOF {
						break
					}
					require.NoError(t, err)
					require.NotEmpty(t, text)
					for i := 0; i < len(text); {
						var line string
						line, i = LineAt(text, i)
						got = append(got, strings.Clone(line))
					}
					if text[len(text)-1] != '\n' {
						_, err := r.ReadBlockView()
						require.Equal(t, io.EOF, err, "only the last line lacks a newline")
						break
					}
				}
				require.NoError(t, r.Close())
			}
			assert.Equal(t, wantLines(content), got, "%d peers", peers)
		}
	}
	var b strings.Builder
	for i := range 400000 { // more than 7 blocks
		b.WriteString("12 34\n")
		if i%7 == 0 {
			b.WriteString("# comment\n")
		}
	}
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	r, err := OpenLines(path, 0, 1)
	require.NoError(t, err)
	defer r.Close()
	text, err := r.ReadBlockView()
	require.NoError(t, err)
	assert.Equal(t, "12 34\n# comment\n12 34\n", text[:22])
	assert.Zero(t, testing.AllocsPerRun(5, func() {
		text, err = r.ReadBlockView()
	}))
	require.NoError(t, err)
	assert.Equal(t, byte('\n'), text[len(text)-1], "a block ends with a whole line")
}

func TestSkipLine(t *testing.T) {
	for line, skip := range map[string]bool{"": true, " ": true, "\t \t": true, "#x": true, "  # x": true, "1 2": false, " 1 2": false, "x#": false} {
		assert.Equal(t, skip, SkipLine(line), "SkipLine(%q)", line)
	}
}

// FuzzReadLines: the lines of every worker's share, read a block at a
// time with buffers smaller than the lines and limits of a few lines,
// are the file's lines, in order.
func FuzzReadLines(f *testing.F) {
	for _, s := range []string{"", "a\nb", "a\r\n\r\nb\r\n", "x\ry\n", "long line here\nb\n\n"} {
		f.Add(s, uint8(3), uint8(2))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, content string, size, peers uint8) {
		path := filepath.Join(dir, "f.txt")
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
		n := 1 + int(peers%4)
		var got []string
		for w := 0; w < n; w++ {
			r, err := openLines(path, w, n, 1+int(size%32))
			require.NoError(t, err)
			got = append(got, readAll(t, r, 1+int(size%5))...)
		}
		assert.Equal(t, wantLines(content), got)
	})
}
