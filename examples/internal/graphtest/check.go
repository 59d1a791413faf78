package graphtest

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// CheckReach reports whether out, the output of examples/reach, holds
// exactly the nodes of want, one per line in any order, each once.
func CheckReach(out []byte, want []uint32) error {
	set := make(map[uint32]struct{}, len(want))
	for _, v := range want {
		set[v] = struct{}{}
	}
	return reachFormat.check(out, set)
}

// CheckPageRank reports whether out, the output of examples/pagerank,
// holds one "%d %.6f" line per node of want, in any order, each rank
// within relTol*|want| + 1e-6 of want's (the 1e-6 absorbs the rounding
// to 6 decimals).
func CheckPageRank(out []byte, want map[uint32]float64, relTol float64) error {
	f := rankFormat
	f.equal = func(got, want float64) bool {
		return math.Abs(got-want) <= relTol*math.Abs(want)+1e-6
	}
	return f.check(out, want)
}

// CheckComponents reports whether out, the output of examples/cc, holds
// one "node label" line per node of want with want's label, in any
// order.
func CheckComponents(out []byte, want map[uint32]uint32) error {
	return labelFormat.check(out, want)
}

// lineFormat describes the lines of one example's output: a node and,
// except for reach, a value of type T.
type lineFormat[T any] struct {
	name   string                              // the example, to start errors
	layout string                              // the line layout, for malformed lines
	parse  func(line []byte) (uint32, T, bool) // the node and value of a line
	equal  func(got, want T) bool              // nil when lines carry no value
	show   func(T) string                      // a value in errors
}

var (
	reachFormat = lineFormat[struct{}]{
		name:   "reach",
		layout: "node",
		parse: func(l []byte) (uint32, struct{}, bool) {
			v, ok := parseNode(l)
			return v, struct{}{}, ok
		},
		show: func(struct{}) string { return "" },
	}
	rankFormat = lineFormat[float64]{
		name:   "pagerank",
		layout: "node rank",
		parse: func(l []byte) (uint32, float64, bool) {
			a, b, ok := splitPair(l)
			v, okv := parseNode(a)
			r, okr := parseRank(b)
			return v, r, ok && okv && okr
		},
		show: func(r float64) string { return strconv.FormatFloat(r, 'f', 6, 64) },
	}
	labelFormat = lineFormat[uint32]{
		name:   "cc",
		layout: "node label",
		parse: func(l []byte) (uint32, uint32, bool) {
			a, b, ok := splitPair(l)
			v, okv := parseNode(a)
			c, okc := parseNode(b)
			return v, c, ok && okv && okc
		},
		equal: func(got, want uint32) bool { return got == want },
		show:  func(c uint32) string { return strconv.FormatUint(uint64(c), 10) },
	}
)

// check compares the lines of out with want, in any order.
func (f lineFormat[T]) check(out []byte, want map[uint32]T) error {
	m := mismatch{name: f.name, want: len(want)}
	first := make(map[uint32]int, len(want)) // node -> line it first appeared on
	for i, l := range lines(out) {
		n := i + 1
		m.lines++
		node, got, ok := f.parse(l)
		if !ok {
			m.add(malformed, "line %d: %s is not %q", n, quote(l), f.layout)
			continue
		}
		if prev, dup := first[node]; dup {
			m.add(duplicate, "line %d: node %d (first on line %d)", n, node, prev)
			continue
		}
		first[node] = n
		w, ok := want[node]
		switch {
		case !ok:
			m.add(extra, "line %d: node %d", n, node)
		case f.equal != nil && !f.equal(got, w):
			m.add(wrong, "line %d: node %d: got %s, want %s", n, node, f.show(got), f.show(w))
		}
	}
	var miss []uint32
	for v := range want {
		if _, ok := first[v]; !ok {
			miss = append(miss, v)
		}
	}
	slices.Sort(miss)
	for _, v := range miss {
		if f.equal != nil {
			m.add(missing, "node %d (want %s)", v, f.show(want[v]))
		} else {
			m.add(missing, "node %d", v)
		}
	}
	return m.err()
}

// A kind is a kind of difference between an output and its reference.
type kind int

const (
	malformed kind = iota
	duplicate
	missing
	extra
	wrong
	numKinds
)

var kindNames = [numKinds]string{"malformed", "duplicate", "missing", "extra", "wrong value"}

// maxShown is how many differences of each kind an error spells out.
const maxShown = 3

// mismatch collects the differences between an output and its reference:
// their counts by kind and the first few of each.
type mismatch struct {
	name   string
	lines  int // lines in the output
	want   int // nodes in the reference
	counts [numKinds]int
	shown  [numKinds][]string
}

// add records a difference of kind k.
func (m *mismatch) add(k kind, format string, args ...any) {
	m.counts[k]++
	if len(m.shown[k]) < maxShown {
		m.shown[k] = append(m.shown[k], fmt.Sprintf(format, args...))
	}
}

// err returns nil when there is no difference, else an error such as
//
//	cc: 11 lines for 10 nodes: 1 duplicate, 1 wrong value
//		duplicate: line 11: node 3 (first on line 2)
//		wrong value: line 4: node 7: got 5, want 2
func (m *mismatch) err() error {
	var sum []string
	for k, c := range m.counts {
		if c > 0 {
			sum = append(sum, fmt.Sprintf("%d %s", c, kindNames[k]))
		}
	}
	if sum == nil {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d lines for %d nodes: %s", m.name, m.lines, m.want, strings.Join(sum, ", "))
	for k, shown := range m.shown {
		if len(shown) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n\t%s: %s", kindNames[k], strings.Join(shown, "; "))
		if more := m.counts[k] - len(shown); more > 0 {
			fmt.Fprintf(&b, "; and %d more", more)
		}
	}
	return errors.New(b.String())
}

// lines splits out into its lines without their '\n'; a last line
// without '\n' counts too.
func lines(out []byte) [][]byte {
	if len(out) == 0 {
		return nil
	}
	ls := bytes.Split(out, []byte{'\n'})
	if len(ls[len(ls)-1]) == 0 {
		ls = ls[:len(ls)-1]
	}
	return ls
}

// splitPair splits a line at its first space.
func splitPair(l []byte) (a, b []byte, ok bool) {
	return bytes.Cut(l, []byte{' '})
}

// parseNode parses a uint32 written as strconv writes it: decimal, no
// sign, spaces or leading zeros.
func parseNode(s []byte) (uint32, bool) {
	v, err := strconv.ParseUint(string(s), 10, 32)
	if err != nil || strconv.FormatUint(v, 10) != string(s) {
		return 0, false
	}
	return uint32(v), true
}

// parseRank parses a float64 written as "%.6f" writes it.
func parseRank(s []byte) (float64, bool) {
	r, err := strconv.ParseFloat(string(s), 64)
	if err != nil || strconv.FormatFloat(r, 'f', 6, 64) != string(s) {
		return 0, false
	}
	return r, true
}

// quote quotes a line for an error, cut to its first 40 bytes.
func quote(l []byte) string {
	if len(l) > 40 {
		return strconv.Quote(string(l[:40])) + "..."
	}
	return strconv.Quote(string(l))
}
