package tdnet

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// Terms are what the processes of one computation must agree on beyond
// the program: the value of every param and the content of the input
// files. Each process sends its terms in the handshake (docs/wire.md,
// "Terms"); a peer whose terms differ is refused on both sides, with an
// error naming the term and both values, so that processes started with
// different params or files never compute a wrong answer together.

// Term is one thing every process of a computation must agree on: a
// name ("param limit", "file of param input") and a value that is shown
// in errors. Terms hold no secrets.
type Term struct {
	Name  string
	Value string
}

// NewTerm returns the term name = value, the value cut to MaxTermValue
// bytes and then ending in a digest of the whole, so that long values
// still compare exactly.
func NewTerm(name, value string) Term {
	if len(value) <= MaxTermValue {
		return Term{Name: name, Value: value}
	}
	sum := sha256.Sum256([]byte(value))
	suffix := fmt.Sprintf("... (%d bytes, sha256 %s)", len(value), hex.EncodeToString(sum[:8]))
	cut := MaxTermValue - len(suffix)
	for cut > 0 && !utf8.RuneStart(value[cut]) {
		cut--
	}
	return Term{Name: name, Value: value[:cut] + suffix}
}

// fileSampleSize is how much of each end of a file FileTerm hashes.
const fileSampleSize = 64 << 10

// FileTerm returns the term of an input file: its size and a SHA-256 of
// its first and last 64 KiB, a cheap identity that does not depend on
// the file's path or modification time (which differ between hosts
// holding copies of one file).
func FileTerm(name, path string) (Term, error) {
	f, err := os.Open(path)
	if err != nil {
		return Term{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Term{}, err
	}
	size := st.Size()
	h := sha256.New()
	head := make([]byte, min(size, fileSampleSize))
	if _, err := io.ReadFull(f, head); err != nil {
		return Term{}, fmt.Errorf("reading %s: %v", path, err)
	}
	h.Write(head)
	if size > fileSampleSize {
		tail := make([]byte, min(size-fileSampleSize, fileSampleSize))
		if _, err := f.ReadAt(tail, size-int64(len(tail))); err != nil {
			return Term{}, fmt.Errorf("reading %s: %v", path, err)
		}
		h.Write(tail)
	}
	return NewTerm(name, fmt.Sprintf("%d bytes, sha256 of its ends %s", size, hex.EncodeToString(h.Sum(nil)[:8]))), nil
}

// encodeTerms returns the terms message: a uint32 length, a uint32
// count, then each term's name and value, each a uint16 length and bytes.
func encodeTerms(terms []Term) ([]byte, error) {
	b := make([]byte, 8, 8+32*len(terms))
	seen := make(map[string]bool, len(terms))
	for _, t := range terms {
		if t.Name == "" || len(t.Name) > MaxTermValue || len(t.Value) > MaxTermValue {
			return nil, fmt.Errorf("term %.40q: name of 1 to %d bytes and value of at most %d wanted", t.Name, MaxTermValue, MaxTermValue)
		}
		if seen[t.Name] {
			return nil, fmt.Errorf("term %q given twice", t.Name)
		}
		seen[t.Name] = true
		b = binary.LittleEndian.AppendUint16(b, uint16(len(t.Name)))
		b = append(b, t.Name...)
		b = binary.LittleEndian.AppendUint16(b, uint16(len(t.Value)))
		b = append(b, t.Value...)
	}
	if len(b)-4 > MaxTerms {
		return nil, fmt.Errorf("terms of %d bytes are over the limit of %d", len(b)-4, MaxTerms)
	}
	binary.LittleEndian.PutUint32(b, uint32(len(b)-4))
	binary.LittleEndian.PutUint32(b[4:], uint32(len(terms)))
	return b, nil
}

// readTerms reads a terms message.
func readTerms(r io.Reader) ([]Term, error) {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, handshakeIOError(err, "before its terms")
	}
	size := binary.LittleEndian.Uint32(n[:])
	if size < 4 || size > MaxTerms {
		return nil, wireErrorf(ErrHandshake, "sent terms of %d bytes; want 4 to %d", size, MaxTerms)
	}
	b := make([]byte, size)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, handshakeIOError(err, "in the middle of its terms")
	}
	return parseTerms(b)
}

// parseTerms parses the terms message after its length.
func parseTerms(b []byte) ([]Term, error) {
	bad := func(what string) error { return wireErrorf(ErrHandshake, "sent bad terms: %s", what) }
	count := binary.LittleEndian.Uint32(b)
	b = b[4:]
	if count > uint32(len(b)/4) {
		return nil, bad(fmt.Sprintf("%d terms in %d bytes", count, len(b)))
	}
	str := func() (string, bool) {
		if len(b) < 2 {
			return "", false
		}
		l := int(binary.LittleEndian.Uint16(b))
		if len(b) < 2+l || l > MaxTermValue {
			return "", false
		}
		s := string(b[2 : 2+l])
		b = b[2+l:]
		return s, true
	}
	terms := make([]Term, 0, count)
	seen := make(map[string]bool, count)
	for range count {
		name, ok1 := str()
		value, ok2 := str()
		if !ok1 || !ok2 || name == "" {
			return nil, bad("truncated or malformed term")
		}
		if seen[name] {
			return nil, bad(fmt.Sprintf("term %s given twice", quoteShown(name)))
		}
		seen[name] = true
		terms = append(terms, Term{Name: name, Value: value})
	}
	if len(b) != 0 {
		return nil, bad(fmt.Sprintf("%d bytes after the last term", len(b)))
	}
	return terms, nil
}

// checkTerms compares the peer's terms with this process's, in this
// process's order, then the peer's terms this process lacks.
func checkTerms(self, peer []Term) error {
	theirs := make(map[string]string, len(peer))
	for _, t := range peer {
		theirs[t.Name] = t.Value
	}
	for _, t := range self {
		v, ok := theirs[t.Name]
		switch {
		case !ok:
			return mismatchf("has no %s (this process has %s)", quoteShown(t.Name), quoteShown(t.Value))
		case v != t.Value:
			return mismatchf("runs with %s = %s, this process with %s (start every process with the same params and input files)", quoteShown(t.Name), quoteShown(v), quoteShown(t.Value))
		}
		delete(theirs, t.Name)
	}
	for _, t := range peer {
		if _, ok := theirs[t.Name]; ok {
			return mismatchf("has %s = %s, which this process has not", quoteShown(t.Name), quoteShown(t.Value))
		}
	}
	return nil
}

// quoteShown returns s for an error message: as it is when it is
// printable and has no quotes or spaces at its ends, else quoted.
func quoteShown(s string) string {
	ok := s != "" && strings.TrimSpace(s) == s
	for _, r := range s {
		if r < ' ' || r == 0x7f || r == '"' || r == utf8.RuneError {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	return fmt.Sprintf("%q", s)
}
