package runtime

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unsafe"
)

// A LineReader reads a worker's share of a file in blocks: it fills one
// large buffer with a read call and hands out the whole lines in it at
// once, as one block, without looking at them one by one. Typed sources
// parse a block in a single pass with a generated parser (ReadBlockView,
// or ReadBlock when their records keep strings); lines sources split it
// into lines (Read). A line that does not fit the buffer grows it, up to
// the line limit. Line numbers, needed only for an error, are counted
// when the error is made, from the file.

// readBuffer is the size of a LineReader's buffer, and so the most bytes
// of a block: a longer line grows the buffer.
const readBuffer = 256 << 10

// LineReader reads one worker's share of the lines of a file (see
// [OpenLines]).
type LineReader struct {
	file *os.File // nil for standard input and for an empty share
	src  io.Reader
	buf  []byte // buf[r:w] is read and not yet handed out; buf[0] is at offset off
	r, w int
	off  int64
	end  int64 // lines that start before end are this share's; -1: all
	// srcEOF: src has nothing more; done: the share has no line after r.
	srcEOF, done bool
	pending      error // the error of the line after the last block

	block    string // the last block, of ReadBlock or ReadBlockView
	blockOff int64  // its offset in the file (after retire, of the next)
	lines    int64  // for a stream: the lines before block
	at       int    // where Read's next line starts in block

	path string
	size int64 // the file's size when opened; -1 when not a regular file
	// MaxLine is the longest line, in bytes, that a read accepts: a longer
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
	return openLines(path, worker, peers, readBuffer)
}

// openLines is OpenLines with a buffer of size bytes.
func openLines(path string, worker, peers, size int) (*LineReader, error) {
	if peers < 1 || worker < 0 || worker >= peers {
		return nil, fmt.Errorf("lines %s: worker %d of %d", path, worker, peers)
	}
	if path == "" || path == "-" {
		if worker != 0 {
			return &LineReader{done: true, size: -1}, nil
		}
		return newStreamReader(os.Stdin, nil, "standard input", size), nil
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
			return &LineReader{done: true, size: -1}, nil
		}
		return newStreamReader(f, f, path, size), nil
	}
	start, end := RangeShare(0, st.Size(), worker, peers)
	lr := &LineReader{file: f, src: f, end: end, path: path, size: st.Size()}
	if start >= end {
		lr.done = true
		return lr, nil
	}
	lr.buf = make([]byte, size)
	if err := lr.seek(start); err != nil {
		f.Close()
		return nil, err
	}
	return lr, nil
}

// newStreamReader returns the reader of all of src, which cannot seek:
// its line numbers are counted as its blocks are handed out.
func newStreamReader(src io.Reader, f *os.File, path string, size int) *LineReader {
	return &LineReader{file: f, src: src, buf: make([]byte, size), end: -1, path: path, size: -1}
}

// stream reports whether the reader cannot read its file again to count
// lines (standard input, a pipe).
func (lr *LineReader) stream() bool { return lr.size < 0 }

// seek positions the reader at the first line that starts at or after
// offset start: right there if the byte before it is a newline, and else
// after the next newline.
func (lr *LineReader) seek(start int64) error {
	if start == 0 {
		return nil
	}
	if _, err := lr.file.Seek(start-1, io.SeekStart); err != nil {
		return err
	}
	lr.off = start - 1
	for {
		if i := bytes.IndexByte(lr.buf[lr.r:lr.w], '\n'); i >= 0 {
			lr.r += i + 1
			return nil
		}
		if lr.srcEOF {
			lr.r = lr.w
			lr.done = true
			return nil
		}
		// No newline yet: what was read is the end of a line of an
		// earlier share, to be dropped.
		lr.off += int64(lr.w)
		lr.r, lr.w = 0, 0
		if err := lr.fill(); err != nil {
			return err
		}
	}
}

// fill moves the unread bytes to the front of the buffer and reads more
// after them, growing the buffer when it is full of one line (up to the
// line limit).
func (lr *LineReader) fill() error {
	if lr.r > 0 {
		n := copy(lr.buf, lr.buf[lr.r:lr.w])
		lr.off += int64(lr.r)
		lr.r, lr.w = 0, n
	}
	if lr.w == len(lr.buf) {
		if err := lr.grow(); err != nil {
			return err
		}
	}
	n, err := lr.src.Read(lr.buf[lr.w:])
	lr.w += n
	switch {
	case err == io.EOF:
		lr.srcEOF = true
	case err != nil:
		return err
	}
	return nil
}

// grow doubles the buffer, which holds part of one line, or returns the
// error of a line past the limit: a line with its "\r\n" fits MaxLine+2
// bytes.
func (lr *LineReader) grow() error {
	n := 2 * len(lr.buf)
	if lr.MaxLine > 0 {
		if len(lr.buf) >= lr.MaxLine+2 {
			return lr.tooLong(lr.off)
		}
		n = min(n, lr.MaxLine+2)
	}
	buf := make([]byte, n)
	copy(buf, lr.buf[:lr.w])
	lr.buf = buf
	return nil
}

// nextBlock returns the share's next whole lines, with their newlines
// (but for a last line without one): a view of the buffer, valid until
// the next call. At the end of the share it returns io.EOF, or the error
// of a file that changed size.
func (lr *LineReader) nextBlock() ([]byte, error) {
	for {
		if lr.pending != nil {
			err := lr.pending
			lr.pending = nil
			lr.done = true
			return nil, err
		}
		if lr.done || lr.src == nil {
			lr.done = true
			return nil, lr.atEnd()
		}
		data := lr.buf[lr.r:lr.w]
		n := lr.wholeLines(data)
		if n == 0 && !lr.done && lr.srcEOF && len(data) > 0 {
			n, lr.done = len(data), true // a last line without newline
		}
		if n > 0 {
			block := lr.checkLines(data[:n])
			if len(block) == 0 {
				continue // the first line is too long: pending
			}
			lr.blockOff = lr.off + int64(lr.r)
			lr.r += len(block)
			return block, nil
		}
		if lr.srcEOF {
			lr.done = true
			continue
		}
		if err := lr.fill(); err != nil {
			return nil, err
		}
	}
}

// wholeLines returns the length of the whole lines of the share at the
// start of data, the bytes at r, and sets done when the share's last
// line is among them.
func (lr *LineReader) wholeLines(data []byte) int {
	if lr.end >= 0 {
		e := lr.end - (lr.off + int64(lr.r))
		if e <= 0 {
			lr.done = true
			return 0
		}
		if e <= int64(len(data)) {
			// The share's last line holds byte e-1: it ends at the first
			// newline from there.
			if i := bytes.IndexByte(data[e-1:], '\n'); i >= 0 {
				lr.done = true
				return int(e) + i
			}
			data = data[:e-1]
		}
	}
	return bytes.LastIndexByte(data, '\n') + 1
}

// checkLines returns block, or the lines of block before the first one
// longer than MaxLine, whose error the next read returns. Only a limit
// shorter than the buffer needs the look at each line: a buffer of at
// most MaxLine bytes cannot hold a longer line.
func (lr *LineReader) checkLines(block []byte) []byte {
	if lr.MaxLine <= 0 || len(lr.buf) <= lr.MaxLine {
		return block
	}
	for i := 0; i < len(block); {
		n := bytes.IndexByte(block[i:], '\n')
		next := i + n + 1
		if n < 0 {
			n, next = len(block)-i, len(block)
		} else if n > 0 && block[i+n-1] == '\r' {
			n--
		}
		if n > lr.MaxLine {
			lr.pending = lr.tooLong(lr.off + int64(lr.r+i))
			return block[:i]
		}
		i = next
	}
	return block
}

// ReadBlockView returns the share's next whole lines, each with its
// "\n" (a last line may have none), for a caller that is done with them
// before it reads again: the block is a view of the reader's buffer,
// valid until the next read, and reading allocates nothing. [LineAt]
// splits a block into lines. At the end of the share it returns io.EOF.
func (lr *LineReader) ReadBlockView() (string, error) {
	lr.retire()
	b, err := lr.nextBlock()
	if err != nil {
		return "", err
	}
	lr.block = unsafe.String(unsafe.SliceData(b), len(b))
	return lr.block, nil
}

// ReadBlock is ReadBlockView for a caller that keeps parts of the
// lines: the block is a copy, one allocation a block.
func (lr *LineReader) ReadBlock() (string, error) {
	lr.retire()
	b, err := lr.nextBlock()
	if err != nil {
		return "", err
	}
	lr.block = string(b)
	return lr.block, nil
}

// retire drops the last block before the buffer under it is read into
// again, counting its lines when the input is a stream.
func (lr *LineReader) retire() {
	if lr.stream() {
		lr.lines += int64(strings.Count(lr.block, "\n"))
	}
	lr.blockOff += int64(len(lr.block))
	lr.block, lr.at = "", 0
}

// BlockStartsFile reports whether the last block begins with the first
// line of the file (a csv header).
func (lr *LineReader) BlockStartsFile() bool { return lr.blockOff == 0 }

// Read appends up to limit lines of the share to dst, from one block,
// and returns it: a source that reads once per run so hands on at most a
// block's lines (256 KiB) at a time, and the records it has in flight
// stay few. It returns io.EOF, only when it appended no line, at the end
// of the share.
// The lines of one block share one allocation: a line kept for long keeps
// the text of its block alive. Read takes its lines from the blocks of
// ReadBlock: a reader is read with one or the other.
func (lr *LineReader) Read(dst []string, limit int) ([]string, error) {
	for n := 0; n < limit; n++ {
		if lr.at == len(lr.block) {
			if n > 0 {
				return dst, nil // the next read starts the next block
			}
			if _, err := lr.ReadBlock(); err != nil {
				if n > 0 && err == io.EOF {
					return dst, nil
				}
				return dst, err
			}
		}
		var line string
		line, lr.at = LineAt(lr.block, lr.at)
		dst = append(dst, line)
	}
	return dst, nil
}

// LineAt returns the line of text that starts at offset i, without its
// "\n" and a "\r" before it, and the offset of the next line.
func LineAt(text string, i int) (line string, next int) {
	n := strings.IndexByte(text[i:], '\n')
	if n < 0 {
		return text[i:], len(text)
	}
	line = text[i : i+n]
	if n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, i + n + 1
}

// ErrInputChanged is the error of a file that changed size while a
// source read it: the lines read would be some of one version and some
// of another, or miss some.
var ErrInputChanged = errors.New("changed size while it was read")

// atEnd returns io.EOF, or an error when the file, a regular one, no
// longer has the size it had when opened. The share of every worker is a
// byte range of that size, so a file that grew or shrank meanwhile would
// give a partial result, silently.
func (lr *LineReader) atEnd() error {
	if lr.file == nil || lr.size < 0 {
		return io.EOF
	}
	st, err := lr.file.Stat()
	if err != nil {
		return &RecordError{Path: lr.path, Err: err}
	}
	if st.Size() != lr.size {
		return &RecordError{Path: lr.path, Err: fmt.Errorf("%w (%d bytes when opened, %d at the end of this worker's share): the result would miss lines; read a copy that does not change", ErrInputChanged, lr.size, st.Size())}
	}
	return io.EOF
}

// Close closes the file. Standard input stays open.
func (lr *LineReader) Close() error {
	lr.done = true
	if lr.file == nil {
		return nil
	}
	f := lr.file
	lr.file = nil
	return f.Close()
}
