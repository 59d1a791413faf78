package graphtest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"slices"
	"strconv"
)

// chunkSize is how many bytes of edge lines are gathered before a write.
const chunkSize = 1 << 20

// WriteEdges writes edges to w, one "src dst\n" line each, in chunks.
func WriteEdges(w io.Writer, edges []Edge) error {
	return writeSeq(w, slices.Values(edges))
}

// WriteFile writes edges to the file at path, as WriteEdges does,
// creating or truncating it.
func WriteFile(path string, edges []Edge) error {
	return writeFileSeq(path, slices.Values(edges))
}

// WriteRandomFile writes the graph Random(nodes, edges, seed) to the file
// at path without holding it in memory; it is meant for large inputs
// (a million nodes and ten million edges, about 150 MB, take about a
// second).
func WriteRandomFile(path string, nodes, edges int, seed uint64) error {
	checkNodes("WriteRandomFile", nodes, edges)
	return writeFileSeq(path, randomEdges(nodes, edges, seed))
}

// writeFileSeq writes the edges of seq to the file at path.
func writeFileSeq(path string, seq iter.Seq[Edge]) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	return errors.Join(writeSeq(f, seq), f.Close())
}

// writeSeq formats the edges of seq into a buffer with strconv and writes
// the buffer to w whenever it holds chunkSize bytes.
func writeSeq(w io.Writer, seq iter.Seq[Edge]) error {
	buf := make([]byte, 0, chunkSize+64)
	for e := range seq {
		buf = strconv.AppendUint(buf, uint64(e.Src), 10)
		buf = append(buf, ' ')
		buf = strconv.AppendUint(buf, uint64(e.Dst), 10)
		buf = append(buf, '\n')
		if len(buf) >= chunkSize {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	if len(buf) > 0 {
		_, err := w.Write(buf)
		return err
	}
	return nil
}

// ReadEdges reads an edge list in the examples' input format: one
// "src dst" line per edge, two decimal uint32 separated by one space;
// blank lines are skipped. Its error names the first bad line. It is
// the reference for the examples' parsing and lets tests load committed
// sample files.
func ReadEdges(r io.Reader) ([]Edge, error) {
	var edges []Edge
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		a, b, ok := splitPair(line)
		src, ok1 := parseNode(a)
		dst, ok2 := parseNode(b)
		if !ok || !ok1 || !ok2 {
			return nil, fmt.Errorf("line %d: %s is not \"src dst\"", n, quote(line))
		}
		edges = append(edges, Edge{src, dst})
	}
	return edges, sc.Err()
}

// ReadFile reads the edge list in the file at path, as ReadEdges does.
func ReadFile(path string) ([]Edge, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	edges, err := ReadEdges(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return edges, nil
}
