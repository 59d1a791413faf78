package runtime

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFieldSplitterBlanks(t *testing.T) {
	var f FieldSplitter
	f.Reset(" 12\t 34  ")
	a, err := f.Next("A")
	require.NoError(t, err)
	b, err := f.Next("B")
	require.NoError(t, err)
	assert.Equal(t, []string{"12", "34"}, []string{a, b})
	assert.NoError(t, f.End())
	_, err = f.Next("C")
	assert.EqualError(t, err, "field 3 (C): missing")

	f.Reset("1 2 3")
	_, _ = f.Next("A")
	_, _ = f.Next("B")
	assert.EqualError(t, f.End(), `field 3: unexpected: the record has 2 fields ("3")`)
}

func TestFieldSplitterCSV(t *testing.T) {
	f := FieldSplitter{Comma: true}
	var got []string
	f.Reset(`"Smith, J",,"say ""hi""",x`)
	for i := 0; i < 4; i++ {
		s, err := f.Next("F")
		require.NoError(t, err, "field %d", i+1)
		got = append(got, s)
	}
	assert.Equal(t, []string{"Smith, J", "", `say "hi"`, "x"}, got)
	assert.NoError(t, f.End())

	f.Reset("a,b,")
	_, _ = f.Next("A")
	_, _ = f.Next("B")
	assert.Error(t, f.End(), "a trailing comma is one more, empty, field")

	// The empty field after a trailing comma is a field a record can take.
	f.Reset("a,b,")
	got = got[:0]
	for i := 0; i < 3; i++ {
		s, err := f.Next("F")
		require.NoError(t, err, "field %d", i+1)
		got = append(got, s)
	}
	assert.Equal(t, []string{"a", "b", ""}, got)
	assert.NoError(t, f.End())
	_, err := f.Next("D")
	assert.EqualError(t, err, "field 4 (D): missing")

	f.Reset(`a,"b",`)
	_, _ = f.Next("A")
	_, _ = f.Next("B")
	s, err := f.Next("C")
	require.NoError(t, err)
	assert.Equal(t, "", s)

	f.Reset("")
	s, err = f.Next("A")
	require.NoError(t, err, "an empty line is one empty field")
	assert.Equal(t, "", s)
	_, err = f.Next("B")
	assert.EqualError(t, err, "field 2 (B): missing")

	f.Reset(`"open`)
	_, err = f.Next("A")
	assert.EqualError(t, err, "field 1 (A): quote not closed on this line")
}

// TestRecordErrorLines checks that every worker's share names the right
// line numbers, for a file split among 1 to 4 workers, and standard
// input.
func TestRecordErrorLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.txt")
	var b strings.Builder
	for i := 1; i <= 500; i++ {
		b.WriteString(strings.Repeat("x", i%7) + "\n")
	}
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	check := func(lr *LineReader, seen map[int64]bool, what string) {
		for {
			text, err := lr.ReadBlockView()
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
			for i := 0; i < len(text); {
				line, next := LineAt(text, i)
				var re *RecordError
				require.True(t, errors.As(lr.BlockError(i, errors.New("bad")), &re))
				assert.Equal(t, int64(len(line)), (re.Line)%7, "%s: line %d is %q", what, re.Line, line)
				assert.Equal(t, line, re.Text)
				assert.False(t, seen[re.Line], "line %d twice", re.Line)
				seen[re.Line] = true
				i = next
			}
		}
		require.NoError(t, lr.Close())
	}
	for peers := 1; peers <= 4; peers++ {
		seen := map[int64]bool{}
		for w := 0; w < peers; w++ {
			lr, err := openLines(path, w, peers, 64) // many blocks
			require.NoError(t, err)
			check(lr, seen, fmt.Sprintf("peers %d worker %d", peers, w))
		}
		assert.Len(t, seen, 500, "peers %d", peers)
	}

	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	lr := newStreamReader(f, nil, "standard input", 64)
	seen := map[int64]bool{}
	check(lr, seen, "stream")
	assert.Len(t, seen, 500, "stream")
}

// TestMaxLine checks that a line past the limit is an error naming its
// line, found without reading the whole line.
func TestMaxLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "long.txt")
	text := "1 2\n3 4\n" + strings.Repeat("9", 8<<20) + "\n5 6\n"
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	lr, err := OpenLines(path, 0, 1)
	require.NoError(t, err)
	defer lr.Close()
	lr.MaxLine = 1 << 20
	var lines []string
	for err == nil {
		lines, err = lr.Read(lines, BatchSize)
	}
	assert.EqualError(t, err, path+":3: line longer than the limit of 1048576 bytes")
	assert.Less(t, cap(lr.buf), 4<<20, "the reader kept more than the limit of the line")
}

// TestMaxLineEdges: a line of exactly MaxLine bytes is read, with "\n",
// "\r\n" or none after it; one byte more is the error naming its line,
// whether the reader's buffer is smaller than the limit or larger, and
// in whichever worker's share the line is.
func TestMaxLineEdges(t *testing.T) {
	const limit = 100
	fits := strings.Repeat("7", limit)
	over := strings.Repeat("8", limit+1)
	dir := t.TempDir()
	for _, c := range []struct {
		name, text string
		bad        int64 // the line of the error; 0: none
	}{
		{"newline", "1\n" + fits + "\n2\n", 0},
		{"crlf", "1\r\n" + fits + "\r\n2\r\n", 0},
		{"last line", "1\n2\n" + fits, 0},
		{"over", "1\n2\n" + over + "\n3\n", 3},
		{"over with crlf", "1\n2\n3\n" + over + "\r\n3\n", 4},
		{"cr is not a newline", "1\n" + fits + "\r", 2},
		{"over last line", "1\n" + over, 2},
		{"over at start", over + "\n1\n", 1},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_"))
		require.NoError(t, os.WriteFile(path, []byte(c.text), 0o644))
		for _, size := range []int{8, limit, limit + 1, limit + 2, 4096} {
			for peers := 1; peers <= 3; peers++ {
				var lines []string
				var bad int64
				for w := range peers {
					lr, err := openLines(path, w, peers, size)
					require.NoError(t, err)
					lr.MaxLine = limit
					for err == nil {
						lines, err = lr.Read(lines, 2)
					}
					require.NoError(t, lr.Close())
					if err != io.EOF {
						var re *RecordError
						require.True(t, errors.As(err, &re), "%v", err)
						assert.Equal(t, path+":"+fmt.Sprint(re.Line)+": line longer than the limit of 100 bytes", err.Error())
						bad = re.Line
					}
				}
				assert.Equal(t, c.bad, bad, "%s: buffer %d, %d peers", c.name, size, peers)
				want := wantLines(c.text)
				if c.bad > 0 {
					// The lines before the bad one, of all workers until
					// the one that reads it; the lines after it, of the
					// workers after that one.
					assert.NotContains(t, lines, want[c.bad-1], "%s: buffer %d, %d peers", c.name, size, peers)
					assert.Subset(t, want, lines, "%s: buffer %d, %d peers", c.name, size, peers)
					if peers == 1 {
						want = append([]string(nil), want[:c.bad-1]...)
					}
				}
				if c.bad == 0 || peers == 1 {
					assert.Equal(t, want, lines, "%s: buffer %d, %d peers", c.name, size, peers)
				}
			}
		}
	}
}

func TestShorten(t *testing.T) {
	assert.Equal(t, "abc", Shorten("abc", 5))
	assert.Equal(t, "ab... (3 more bytes)", Shorten("abcde", 2))
	assert.Equal(t, "... (2 more bytes)", Shorten("é", 1), "cut at a rune boundary")
}
