package graphtest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRandom(t *testing.T) {
	a := Random(100, 500, 7)
	require.Len(t, a, 500)
	assert.Equal(t, a, Random(100, 500, 7), "same seed")
	assert.NotEqual(t, a, Random(100, 500, 8), "other seed")
	for _, e := range a {
		assert.Less(t, e.Src, uint32(100))
		assert.Less(t, e.Dst, uint32(100))
	}
	assert.Nil(t, Random(0, 0, 1))
	assert.Panics(t, func() { Random(0, 1, 1) })
	// Dense enough to hold self-loops and duplicates.
	d := Random(5, 200, 1)
	assert.True(t, slices.ContainsFunc(d, func(e Edge) bool { return e.Src == e.Dst }))
	assert.Less(t, len(uniq(d)), len(d))
}

func TestChainStar(t *testing.T) {
	assert.Equal(t, []Edge{{0, 1}, {1, 2}, {2, 3}}, Chain(4))
	assert.Equal(t, []Edge{{0, 1}, {0, 2}, {0, 3}}, Star(4))
	assert.Nil(t, Chain(1))
	assert.Nil(t, Star(1))
}

func TestDisjoint(t *testing.T) {
	edges := Disjoint(4, 50, 120, 9)
	require.Len(t, edges, 4*120)
	assert.Equal(t, edges, Disjoint(4, 50, 120, 9))
	for i, e := range edges {
		c := uint32(i / 120)
		assert.Equal(t, c, e.Src/1000, "edge %d", i)
		assert.Equal(t, c, e.Dst/1000, "edge %d", i)
		assert.Less(t, e.Src%1000, uint32(50))
	}
	labels := map[uint32]bool{}
	for _, l := range Components(edges) {
		labels[l] = true
	}
	assert.GreaterOrEqual(t, len(labels), 4)
	// More than 1000 nodes each: the stride grows to keep ranges apart.
	big := Disjoint(2, 1500, 10, 1)
	assert.Less(t, big[0].Src, uint32(2000))
	assert.GreaterOrEqual(t, big[10].Src, uint32(2000))
}

func TestCases(t *testing.T) {
	cases := Cases()
	assert.Equal(t, cases, Cases(), "deterministic")
	names := map[string]bool{}
	for _, c := range cases {
		assert.False(t, names[c.Name], "duplicate name %s", c.Name)
		names[c.Name] = true
		assert.LessOrEqual(t, len(c.Edges), 5000, c.Name)
	}
	for _, name := range []string{"empty", "self-loop", "chain", "star", "sparse", "dense", "components", "sinks"} {
		assert.True(t, names[name], name)
	}
	for _, c := range cases {
		if c.Name == "sinks" {
			src := map[uint32]bool{}
			for _, e := range c.Edges {
				src[e.Src] = true
			}
			assert.Len(t, src, 50)
			assert.Greater(t, len(Reach(c.Edges, 0)), 200)
		}
	}
}

func TestWriteReadEdges(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteEdges(&b, []Edge{{1, 2}, {0, 4294967295}, {7, 7}}))
	assert.Equal(t, "1 2\n0 4294967295\n7 7\n", b.String())

	got, err := ReadEdges(strings.NewReader("\n1 2\n\n  \n3 4\n5 6"))
	require.NoError(t, err)
	assert.Equal(t, []Edge{{1, 2}, {3, 4}, {5, 6}}, got)
	for _, bad := range []string{"1", "1  2", "1 2 3", " 1 2", "1 x", "-1 2", "1 4294967296", "1\t2"} {
		_, err := ReadEdges(strings.NewReader("0 0\n" + bad + "\n"))
		assert.ErrorContains(t, err, "line 2: ", "%q", bad)
	}

	path := filepath.Join(t.TempDir(), "g.txt")
	edges := Random(1000, 3000, 3)
	require.NoError(t, WriteFile(path, edges))
	back, err := ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, edges, back)
}

func TestWriteRandomFile(t *testing.T) {
	// Enough edges to cross several write chunks.
	const nodes, edges = 1 << 20, 300_000
	path := filepath.Join(t.TempDir(), "big.txt")
	require.NoError(t, WriteRandomFile(path, nodes, edges, 5))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Greater(t, len(got), 2*chunkSize)
	var want bytes.Buffer
	require.NoError(t, WriteEdges(&want, Random(nodes, edges, 5)))
	assert.True(t, bytes.Equal(want.Bytes(), got), "file differs from Random")
}

func TestReach(t *testing.T) {
	edges := []Edge{{1, 2}, {2, 3}, {3, 1}, {3, 4}, {5, 1}, {4, 4}, {6, 7}}
	assert.Equal(t, []uint32{1, 2, 3, 4}, Reach(edges, 1))
	assert.Equal(t, []uint32{1, 2, 3, 4, 5}, Reach(edges, 5))
	assert.Equal(t, []uint32{4}, Reach(edges, 4), "self-loop only")
	assert.Equal(t, []uint32{7}, Reach(edges, 7), "sink")
	assert.Equal(t, []uint32{9}, Reach(edges, 9), "not in the graph")
	assert.Equal(t, []uint32{0}, Reach(nil, 0), "empty graph")
	assert.Len(t, Reach(Chain(10), 3), 7)
}

func TestPageRank(t *testing.T) {
	cycle := PageRank([]Edge{{0, 1}, {1, 0}}, 10)
	assert.Equal(t, map[uint32]float64{0: 1, 1: 1}, cycle, "a 2-cycle stays 1.0")

	star := PageRank(Star(5), 1)
	require.Len(t, star, 5)
	assert.InDelta(t, 0.15, star[0], 1e-12)
	for v := uint32(1); v < 5; v++ {
		assert.InDelta(t, 0.15+0.85/4, star[v], 1e-12)
	}

	assert.Equal(t, map[uint32]float64{0: 1, 1: 1, 2: 1}, PageRank(Chain(3), 0))
	chain := PageRank(Chain(3), 2)
	assert.InDelta(t, 0.15, chain[0], 1e-12)
	assert.InDelta(t, 0.15+0.85*0.15, chain[1], 1e-12)
	assert.InDelta(t, 1.0, chain[2], 1e-12)

	// Duplicates and self-loops count towards the degree and the sum.
	dup := PageRank([]Edge{{0, 1}, {0, 1}, {0, 0}}, 1)
	assert.InDelta(t, 0.15+0.85/3, dup[0], 1e-12)
	assert.InDelta(t, 0.15+0.85*2/3, dup[1], 1e-12)

	assert.Empty(t, PageRank(nil, 5))
}

func TestComponents(t *testing.T) {
	triangles := []Edge{{12, 11}, {11, 10}, {10, 12}, {3, 2}, {2, 1}, {3, 1}}
	want := map[uint32]uint32{1: 1, 2: 1, 3: 1, 10: 10, 11: 10, 12: 10}
	assert.Equal(t, want, Components(triangles))

	assert.Equal(t, map[uint32]uint32{7: 7}, Components([]Edge{{7, 7}}))
	assert.Equal(t, map[uint32]uint32{3: 3, 4: 3, 5: 3}, Components([]Edge{{5, 4}, {4, 3}}))
	// Merging two trees whose roots are not their least nodes yet.
	assert.Equal(t, map[uint32]uint32{9: 2, 8: 2, 5: 2, 2: 2},
		Components([]Edge{{9, 8}, {5, 9}, {2, 5}}))
	assert.Empty(t, Components(nil))
}

// TestSparseIDs checks that the references agree whether node ids are
// compact (numbered through a slice) or spread out (through a map).
func TestSparseIDs(t *testing.T) {
	const k = 1_000_000
	edges := Random(300, 900, 11)
	spread := make([]Edge, len(edges))
	for i, e := range edges {
		spread[i] = Edge{e.Src * k, e.Dst * k}
	}
	reach := Reach(edges, edges[0].Src)
	for i := range reach {
		reach[i] *= k
	}
	assert.Equal(t, reach, Reach(spread, edges[0].Src*k))
	ranks := map[uint32]float64{}
	for v, r := range PageRank(edges, 5) {
		ranks[v*k] = r
	}
	assert.Equal(t, ranks, PageRank(spread, 5))
	labels := map[uint32]uint32{}
	for v, l := range Components(edges) {
		labels[v*k] = l * k
	}
	assert.Equal(t, labels, Components(spread))
}

// shuffled returns the lines of out in a random order.
func shuffled(out []byte, seed uint64) []byte {
	ls := lines(out)
	r := rand.New(rand.NewPCG(seed, 1))
	r.Shuffle(len(ls), func(i, j int) { ls[i], ls[j] = ls[j], ls[i] })
	var b []byte
	for _, l := range ls {
		b = append(append(b, l...), '\n')
	}
	return b
}

func TestCheckersAcceptReference(t *testing.T) {
	for i, c := range Cases() {
		t.Run(c.Name, func(t *testing.T) {
			seed := uint64(i)
			for _, root := range []uint32{0, 7, 1_000_000} {
				want := Reach(c.Edges, root)
				assert.NoError(t, CheckReach(shuffled(FormatReach(want), seed), want), "root %d", root)
			}
			ranks := PageRank(c.Edges, 10)
			assert.NoError(t, CheckPageRank(shuffled(FormatPageRank(ranks), seed), ranks, 0))
			labels := Components(c.Edges)
			assert.NoError(t, CheckComponents(shuffled(FormatComponents(labels), seed), labels))
		})
	}
	// No final newline is accepted too.
	assert.NoError(t, CheckReach([]byte("1\n2"), []uint32{2, 1}))
	assert.NoError(t, CheckReach(nil, nil))
}

func TestFormat(t *testing.T) {
	assert.Equal(t, "1\n3\n5\n", string(FormatReach([]uint32{5, 1, 3})))
	assert.Equal(t, "2 0.150000\n10 1.234568\n", string(FormatPageRank(map[uint32]float64{10: 1.2345678, 2: 0.15})))
	assert.Equal(t, "1 1\n4 1\n9 9\n", string(FormatComponents(map[uint32]uint32{4: 1, 9: 9, 1: 1})))
	assert.Empty(t, FormatReach(nil))
}

// checkCase is an output to check and the parts its error must hold, or
// none if it must pass.
type checkCase struct {
	name string
	out  string
	errs []string
}

func runCheckCases(t *testing.T, cases []checkCase, check func([]byte) error) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := check([]byte(c.out))
			if c.errs == nil {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, s := range c.errs {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

func TestCheckReachRejects(t *testing.T) {
	want := []uint32{1, 2, 3}
	runCheckCases(t, []checkCase{
		{"ok", "3\n1\n2\n", nil},
		{"missing", "3\n1\n", []string{"reach: 2 lines for 3 nodes: 1 missing", "missing: node 2"}},
		{"extra", "3\n1\n2\n4\n", []string{"1 extra", "extra: line 4: node 4"}},
		{"duplicate", "3\n1\n2\n1\n", []string{"1 duplicate", "duplicate: line 4: node 1 (first on line 2)"}},
		{"empty line", "3\n\n1\n2\n", []string{"1 malformed", `line 2: "" is not "node"`}},
		{"leading zero", "3\n01\n2\n", []string{`line 2: "01"`, "1 missing"}},
		{"space", "3\n1 \n2\n", []string{`line 2: "1 "`}},
		{"two fields", "3\n1 1\n2\n", []string{`line 2: "1 1"`}},
		{"negative", "3\n-1\n2\n", []string{`"-1"`}},
		{"overflow", "3\n4294967296\n2\n", []string{`"4294967296"`}},
		{"crlf", "3\r\n1\r\n2\r\n", []string{"3 malformed", `"3\r"`}},
	}, func(out []byte) error { return CheckReach(out, want) })
}

func TestCheckPageRankRejects(t *testing.T) {
	want := map[uint32]float64{1: 0.15, 2: 1.2345678, 3: 100}
	check := func(relTol float64) func([]byte) error {
		return func(out []byte) error { return CheckPageRank(out, want, relTol) }
	}
	runCheckCases(t, []checkCase{
		{"ok", "2 1.234568\n3 100.000000\n1 0.150000\n", nil},
		{"rounding", "1 0.150001\n2 1.234567\n3 99.999999\n", nil},
		{"wrong", "1 0.150000\n2 1.234600\n3 100.000000\n", []string{"1 wrong value", "line 2: node 2: got 1.234600, want 1.234568"}},
		{"missing", "1 0.150000\n3 100.000000\n", []string{"1 missing", "node 2 (want 1.234568)"}},
		{"extra", "1 0.150000\n2 1.234568\n3 100.000000\n4 0.150000\n", []string{"1 extra", "line 4: node 4"}},
		{"duplicate", "1 0.150000\n2 1.234568\n1 0.150000\n3 100.000000\n", []string{"1 duplicate", "line 3: node 1 (first on line 1)"}},
		{"five decimals", "1 0.15000\n2 1.234568\n3 100.000000\n", []string{"1 malformed", `line 1: "1 0.15000" is not "node rank"`}},
		{"g format", "1 0.15\n2 1.234568\n3 100\n", []string{"2 malformed"}},
		{"exponent", "1 1.500000e-01\n2 1.234568\n3 100.000000\n", []string{"1 malformed"}},
		{"two spaces", "1  0.150000\n2 1.234568\n3 100.000000\n", []string{"1 malformed"}},
		{"tab", "1\t0.150000\n2 1.234568\n3 100.000000\n", []string{"1 malformed"}},
		{"NaN", "1 NaN\n2 1.234568\n3 100.000000\n", []string{"line 1: node 1: got NaN, want 0.150000"}},
	}, check(1e-9))
	// relTol scales with the rank.
	out := []byte("1 0.150000\n2 1.234568\n3 100.010000\n")
	assert.Error(t, CheckPageRank(out, want, 1e-6))
	assert.NoError(t, CheckPageRank(out, want, 1e-3))
}

func TestCheckComponentsRejects(t *testing.T) {
	want := map[uint32]uint32{1: 1, 2: 1, 10: 10}
	runCheckCases(t, []checkCase{
		{"ok", "10 10\n2 1\n1 1\n", nil},
		{"wrong", "10 10\n2 2\n1 1\n", []string{"1 wrong value", "line 2: node 2: got 2, want 1"}},
		{"missing", "10 10\n1 1\n", []string{"1 missing", "node 2 (want 1)"}},
		{"extra", "10 10\n2 1\n1 1\n11 10\n", []string{"1 extra", "line 4: node 11"}},
		{"duplicate", "10 10\n2 1\n1 1\n2 1\n", []string{"1 duplicate", "line 4: node 2 (first on line 2)"}},
		{"one field", "10\n2 1\n1 1\n", []string{"1 malformed", `line 1: "10" is not "node label"`, "1 missing"}},
		{"bad label", "10 x\n2 1\n1 1\n", []string{`"10 x"`}},
	}, func(out []byte) error { return CheckComponents(out, want) })
}

func TestCheckErrorIsShort(t *testing.T) {
	want := make([]uint32, 1000)
	for i := range want {
		want[i] = uint32(i)
	}
	var out []byte
	for i := 500; i < 1500; i++ {
		out = fmt.Appendf(out, "%d\n", i)
	}
	out = append(out, "x\n500\n"...)
	err := CheckReach(out, want)
	require.Error(t, err)
	msg := err.Error()
	assert.Equal(t, "reach: 1002 lines for 1000 nodes: 1 malformed, 1 duplicate, 500 missing, 500 extra\n"+
		"\tmalformed: line 1001: \"x\" is not \"node\"\n"+
		"\tduplicate: line 1002: node 500 (first on line 1)\n"+
		"\tmissing: node 0; node 1; node 2; and 497 more\n"+
		"\textra: line 501: node 1000; line 502: node 1001; line 503: node 1002; and 497 more", msg)
	long := strings.Repeat("9", 100)
	err = CheckReach([]byte(long+"\n"), nil)
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 120)
}

func BenchmarkWriteRandomFile(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.txt")
	for b.Loop() {
		if err := WriteRandomFile(path, 1_000_000, 10_000_000, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// uniq returns edges without duplicates.
func uniq(edges []Edge) []Edge {
	seen := map[Edge]bool{}
	var out []Edge
	for _, e := range edges {
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	return out
}
