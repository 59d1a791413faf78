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

// TestInputChangesSize: a file that grows or shrinks while a worker
// reads its share is an error naming the file, not a partial result;
// one that keeps its size reads to the end.
func TestInputChangesSize(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(path string) error
		want   string
	}{
		{"unchanged", func(string) error { return nil }, ""},
		{"grows", func(path string) error {
			f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			_, err = f.WriteString("one more line\n")
			return errors.Join(err, f.Close())
		}, "changed size while it was read (35000 bytes when opened, 35014 at the end of this worker's share)"},
		{"shrinks", func(path string) error { return os.Truncate(path, 20000) },
			"changed size while it was read (35000 bytes when opened, 20000 at the end of this worker's share)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "in.txt")
			var text strings.Builder
			for i := range 5000 {
				fmt.Fprintf(&text, "line %d\n", i%10) // 7 bytes a line
			}
			require.NoError(t, os.WriteFile(path, []byte(text.String()), 0o644))
			lr, err := OpenLines(path, 0, 1)
			require.NoError(t, err)
			defer lr.Close()
			lines, err := lr.Read(nil, 100)
			require.NoError(t, err)
			require.Len(t, lines, 100)
			require.NoError(t, c.change(path))
			for err == nil {
				lines, err = lr.Read(lines[:0], 1000)
			}
			if c.want == "" {
				assert.Equal(t, io.EOF, err)
				return
			}
			require.ErrorIs(t, err, ErrInputChanged)
			assert.Equal(t, path+": "+c.want+": the result would miss lines; read a copy that does not change", err.Error())
		})
	}
}

// TestInputSizesAgree: workers that find one file at different sizes
// fail, naming it.
func TestInputSizesAgree(t *testing.T) {
	var s inputSizes
	require.NoError(t, s.note("a.txt", 100))
	require.NoError(t, s.note("b.txt", 7))
	require.NoError(t, s.note("a.txt", 100))
	err := s.note("a.txt", 120)
	require.ErrorIs(t, err, ErrInputChanged)
	assert.Equal(t, "a.txt: changed size while it was read (100 bytes when another worker opened it, 120 now): the result would miss lines; read a copy that does not change", err.Error())
}
