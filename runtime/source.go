package runtime

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"unsafe"
)

// readBuffer is the size of a LineReader's buffer. Longer lines are read
// in pieces and joined.
const readBuffer = 64 << 10

// LineReader reads one worker's share of the lines of a file (see
// [OpenLines]).
type LineReader struct {
	file *os.File      // nil for standard input and for an empty share
	r    *bufio.Reader // nil for an empty share
	pos  int64         // file offset of the next byte r returns
	end  int64         // lines that start before end are this share's; -1: all
	eof  bool
	long []byte // a line longer than the buffer, being joined
	text []byte // the lines of one Read, end to end
	ends []int  // where each line of text ends

	path  string
	start int64 // offset of the share's first line; -1 when not known (stdin, pipes)
	read  int64 // lines returned by earlier Reads
	first int64 // line number of the share's first line, once counted; 0 before
	// MaxLine is the longest line, in bytes, that Read accepts: a longer
	// one is an error naming the file and line, read no further than the
	// limit. Zero means no limit.
	MaxLine int
}

// DefaultMaxLine is the MaxLine of the readers of typed sources (read,
// csv) unless the program sets another.
const DefaultMaxLine = 16 << 20

// OpenLines opens path and positions the reader at the share of worker
// (0..peers-1): the lines that start in the byte range [worker*size/peers,
// (worker+1)*size/peers) of the file, so that each line is read by exactly
// one worker. Lines lose their "\n" and a "\r" before it; a last line
// without "\n" still counts, and an empty file has no lines. Lines may be
// of any length.
//
// Path "" or "-" means standard input, and a path that is not a regular
// file (a pipe, a device) cannot be split: worker 0 reads all of it and
// the others get no lines. A missing file is the error of [os.Open]
// ("open PATH: no such file or directory").
func OpenLines(path string, worker, peers int) (*LineReader, error) {
	if peers < 1 || worker < 0 || worker >= peers {
		return nil, fmt.Errorf("lines %s: worker %d of %d", path, worker, peers)
	}
	if path == "" || path == "-" {
		if worker != 0 {
			return &LineReader{eof: true}, nil
		}
		return &LineReader{r: bufio.NewReaderSize(os.Stdin, readBuffer), end: -1, path: "standard input", first: 1}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("open %s: is a directory", path)
	}
	if !st.Mode().IsRegular() {
		if worker != 0 {
			f.Close()
			return &LineReader{eof: true}, nil
		}
		return &LineReader{file: f, r: bufio.NewReaderSize(f, readBuffer), end: -1, path: path, first: 1}, nil
	}
	start, end := RangeShare(0, st.Size(), worker, peers)
	lr := &LineReader{file: f, end: end, path: path}
	if start >= end {
		lr.eof = true
		return lr, nil
	}
	if err := lr.seek(start); err != nil {
		f.Close()
		return nil, err
	}
	lr.start = lr.pos
	return lr, nil
}

// seek positions the reader at the first line that starts at or after
// offset start: right there if the byte before it is a newline, and else
// after the next newline.
func (lr *LineReader) seek(start int64) error {
	if start == 0 {
		lr.r = bufio.NewReaderSize(lr.file, readBuffer)
		return nil
	}
	if _, err := lr.file.Seek(start-1, io.SeekStart); err != nil {
		return err
	}
	lr.r = bufio.NewReaderSize(lr.file, readBuffer)
	lr.pos = start - 1
	for {
		b, err := lr.r.ReadSlice('\n')
		lr.pos += int64(len(b))
		switch {
		case err == nil:
			return nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF:
			lr.eof = true
			return nil
		default:
			return err
		}
	}
}

// Read appends up to limit lines of the share to dst and returns it. It
// returns io.EOF, only when it appended no line, at the end of the share.
// The lines of one call share one allocation: a line kept for long keeps
// the text of its batch alive.
func (lr *LineReader) Read(dst []string, limit int) ([]string, error) {
	return lr.readLines(dst, limit, false)
}

// ReadViews is Read for a caller that is done with the lines before it
// reads again (a typed source whose records hold no strings): the lines
// are views of the reader's buffer, valid until the next Read or
// ReadViews, and reading allocates nothing once the buffer has grown.
func (lr *LineReader) ReadViews(dst []string, limit int) ([]string, error) {
	return lr.readLines(dst, limit, true)
}

func (lr *LineReader) readLines(dst []string, limit int, views bool) ([]string, error) {
	lr.text, lr.ends = lr.text[:0], lr.ends[:0]
	var err error
	for len(lr.ends) < limit && !lr.eof {
		if lr.end >= 0 && lr.pos >= lr.end {
			lr.eof = true
			break
		}
		var line []byte
		var ok bool
		line, ok, err = lr.readLine()
		if err != nil || !ok {
			break
		}
		lr.text = append(lr.text, line...)
		lr.ends = append(lr.ends, len(lr.text))
	}
	defer func() { lr.read += int64(len(lr.ends)) }()
	var all string
	if views {
		all = unsafe.String(unsafe.SliceData(lr.text), len(lr.text))
	} else {
		all = string(lr.text)
	}
	start := 0
	for _, end := range lr.ends {
		dst = append(dst, all[start:end])
		start = end
	}
	if err != nil {
		return dst, err
	}
	if len(lr.ends) == 0 && lr.eof {
		return dst, io.EOF
	}
	return dst, nil
}

// readLine reads the next line, without its newline; ok is false at the
// end of the input. The line is valid until the next call.
func (lr *LineReader) readLine() (line []byte, ok bool, err error) {
	lr.long = lr.long[:0]
	for {
		b, err := lr.r.ReadSlice('\n')
		lr.pos += int64(len(b))
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			lr.long = append(lr.long, b...)
			if lr.MaxLine > 0 && len(lr.long) > lr.MaxLine {
				return nil, false, lr.tooLong()
			}
			continue
		case err == io.EOF:
			lr.eof = true
			if len(lr.long) == 0 && len(b) == 0 {
				return nil, false, nil
			}
		case err != nil:
			return nil, false, err
		}
		if len(lr.long) > 0 {
			b = append(lr.long, b...)
			lr.long = b[:0]
		}
		b = trimNewline(b)
		if lr.MaxLine > 0 && len(b) > lr.MaxLine {
			return nil, false, lr.tooLong()
		}
		return b, true, nil
	}
}

// trimNewline removes a final "\n" and a "\r" before it.
func trimNewline(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}

// Close closes the file. Standard input stays open.
func (lr *LineReader) Close() error {
	lr.eof = true
	if lr.file == nil {
		return nil
	}
	f := lr.file
	lr.file = nil
	return f.Close()
}

// RangeShare returns worker's share [lo', hi') of [lo, hi) among peers
// workers: contiguous, in worker order, covering [lo, hi) exactly, with
// sizes that differ by at most one. It panics when worker is not in
// 0..peers-1.
func RangeShare(lo, hi int64, worker, peers int) (int64, int64) {
	if peers < 1 || worker < 0 || worker >= peers {
		panic(fmt.Sprintf("runtime: RangeShare: worker %d of %d", worker, peers))
	}
	if hi <= lo {
		return lo, lo
	}
	span := uint64(hi) - uint64(lo)
	return lo + int64(mulDiv(span, worker, peers)), lo + int64(mulDiv(span, worker+1, peers))
}

// mulDiv returns floor(x * k / n) without overflow, for 0 <= k <= n.
func mulDiv(x uint64, k, n int) uint64 {
	hi, lo := bits.Mul64(x, uint64(k))
	q, _ := bits.Div64(hi, lo, uint64(n))
	return q
}
