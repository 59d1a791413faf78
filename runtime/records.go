package runtime

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Typed sources (read, csv) read a file in blocks of whole lines with a
// LineReader and parse a block with generated functions: the common line
// in one pass with the Scan functions (parse.go), any other alone with
// the exact parser, which splits the line into fields with a
// FieldSplitter and converts each with ParseUint, ParseInt or ParseFloat
// (strconv for anything but plain digits). Nothing is allocated per line;
// records with string fields share a copy of their block. A line that
// does not parse is a RecordError naming the file, the line number and
// the field.

// FieldSplitter splits one line into fields: separated by runs of spaces
// and tabs, or by commas with CSV quoting (Comma), where a
// field in double quotes may hold commas and "" stands for one quote.
type FieldSplitter struct {
	line   string
	pos    int
	n      int // fields returned so far
	quoted []byte
	Comma  bool
}

// Reset starts splitting line.
func (f *FieldSplitter) Reset(line string) {
	f.line, f.pos, f.n = line, 0, 0
}

// Next returns the next field of the line; name is the field's name, for
// the error when the line has no more fields.
func (f *FieldSplitter) Next(name string) (string, error) {
	f.n++
	if f.Comma {
		return f.nextComma(name)
	}
	for f.pos < len(f.line) && (f.line[f.pos] == ' ' || f.line[f.pos] == '\t') {
		f.pos++
	}
	if f.pos >= len(f.line) {
		return "", &FieldError{Field: f.n, Name: name, Err: errors.New("missing")}
	}
	start := f.pos
	for f.pos < len(f.line) && f.line[f.pos] != ' ' && f.line[f.pos] != '\t' {
		f.pos++
	}
	return f.line[start:f.pos], nil
}

func (f *FieldSplitter) nextComma(name string) (string, error) {
	// A field that ends the line leaves pos past its end: the line has
	// no more. pos at the end means the line is empty or its last
	// character is a comma, and what follows is one empty field.
	if f.pos > len(f.line) {
		return "", &FieldError{Field: f.n, Name: name, Err: errors.New("missing")}
	}
	if f.pos < len(f.line) && f.line[f.pos] == '"' {
		f.quoted = f.quoted[:0]
		i := f.pos + 1
		for {
			j := strings.IndexByte(f.line[i:], '"')
			if j < 0 {
				return "", &FieldError{Field: f.n, Name: name, Err: errors.New("quote not closed on this line")}
			}
			f.quoted = append(f.quoted, f.line[i:i+j]...)
			i += j + 1
			if i < len(f.line) && f.line[i] == '"' {
				f.quoted = append(f.quoted, '"')
				i++
				continue
			}
			break
		}
		if i < len(f.line) && f.line[i] != ',' {
			return "", &FieldError{Field: f.n, Name: name, Err: errors.New("text after the closing quote")}
		}
		f.pos = i + 1
		return string(f.quoted), nil
	}
	start := f.pos
	j := strings.IndexByte(f.line[f.pos:], ',')
	if j < 0 {
		f.pos = len(f.line) + 1
		return f.line[start:], nil
	}
	f.pos += j + 1
	return f.line[start : start+j], nil
}

// End returns an error when the line has fields left after the last one
// the record takes.
func (f *FieldSplitter) End() error {
	var rest string
	if f.Comma {
		if f.pos > len(f.line) {
			return nil
		}
		// A comma was the last separator read: what follows it, even
		// nothing, is one more field.
		rest = f.line[f.pos:]
	} else {
		i := f.pos
		for i < len(f.line) && (f.line[i] == ' ' || f.line[i] == '\t') {
			i++
		}
		if i == len(f.line) {
			return nil
		}
		rest = f.line[i:]
	}
	return &FieldError{Field: f.n + 1, Err: fmt.Errorf("unexpected: the record has %d fields (%q)", f.n, Shorten(rest, 40))}
}

// FieldError is a field of a line that did not parse.
type FieldError struct {
	Field int    // from 1
	Name  string // the record field it is for; "" past the record's fields
	Err   error
}

func (e *FieldError) Error() string {
	if e.Name == "" {
		return fmt.Sprintf("field %d: %v", e.Field, e.Err)
	}
	return fmt.Sprintf("field %d (%s): %v", e.Field, e.Name, e.Err)
}

func (e *FieldError) Unwrap() error { return e.Err }

// ParseFieldError returns the error for field text s that strconv could
// not parse as what (e.g. "int64"): without strconv's copy of the text,
// which may be long, and with the text shortened.
func ParseFieldError(field int, name, what, s string, err error) error {
	var ne *strconv.NumError
	if errors.As(err, &ne) {
		err = ne.Err
	}
	return &FieldError{Field: field, Name: name, Err: fmt.Errorf("%q is not a valid %s: %v", Shorten(s, 40), what, err)}
}

// RecordError is a line of a typed source that is not a record.
type RecordError struct {
	Path string
	Line int64  // from 1; 0 when not known
	Text string // the line, shortened
	Err  error
}

func (e *RecordError) Error() string {
	where := e.Path
	if e.Line > 0 {
		where += ":" + strconv.FormatInt(e.Line, 10)
	}
	if e.Text == "" {
		return fmt.Sprintf("%s: %v", where, e.Err)
	}
	return fmt.Sprintf("%s: %v (line: %q)", where, e.Err, e.Text)
}

func (e *RecordError) Unwrap() error { return e.Err }

// Shorten returns s cut to about n bytes, at a rune boundary, with "..."
// and the number of bytes left out when it was longer.
func Shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s... (%d more bytes)", s[:cut], len(s)-cut)
}

// SkipLine reports whether a line of a typed source holds no record: it
// is blank, or its first non-blank character is '#'.
func SkipLine(line string) bool {
	if line != "" && line[0] != ' ' && line[0] != '\t' && line[0] != '#' {
		return false // the common case, and inlined
	}
	return skipBlankLine(line)
}

// skipBlankLine is SkipLine for a line that starts with a blank or '#'.
func skipBlankLine(line string) bool {
	t := strings.TrimLeft(line, " \t")
	return t == "" || t[0] == '#'
}

// BlockError returns err, the error of the line at offset i of the last
// block, as a RecordError naming the file, the line's number and its
// text.
func (lr *LineReader) BlockError(i int, err error) error {
	line, _ := LineAt(lr.block, i)
	return &RecordError{Path: lr.path, Line: lr.lineAt(lr.blockOff + int64(i)), Text: Shorten(line, 80), Err: err}
}

// lineAt returns the number, from 1, of the line that starts at offset
// off, at or after the last block's; 0 when it cannot be known. A file's
// lines are counted by reading it again up to off, a stream's from the
// counts of the blocks handed out.
func (lr *LineReader) lineAt(off int64) int64 {
	if lr.stream() {
		in := min(int(off-lr.blockOff), len(lr.block))
		return lr.lines + int64(strings.Count(lr.block[:in], "\n")) + 1
	}
	if lr.file == nil {
		return 0
	}
	buf := make([]byte, readBuffer)
	lines := int64(1)
	for at := int64(0); at < off; {
		n, err := lr.file.ReadAt(buf[:min(int64(len(buf)), off-at)], at)
		lines += int64(bytes.Count(buf[:n], []byte{'\n'}))
		at += int64(n)
		if err != nil && at < off {
			return 0
		}
	}
	return lines
}

// tooLong is the error of the line at offset off, longer than MaxLine.
func (lr *LineReader) tooLong(off int64) error {
	return &RecordError{Path: lr.path, Line: lr.lineAt(off),
		Err: fmt.Errorf("line longer than the limit of %d bytes", lr.MaxLine)}
}
