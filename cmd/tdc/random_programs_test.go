//go:build unix

package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestRandomPrograms builds one binary of randomly drawn dataflows, with
// keyed aggregations (and exchanges by other keys before them) and loops
// whose bodies join against streams from outside the loop, and runs it
// with 1 and 3 workers. Each dataflow's output must equal a brute-force
// evaluation in Go of the language's semantics: a stream from outside a
// loop is whole in every round, enter() gives it to round 0 only, and an
// aggregation routes by its key.
func TestRandomPrograms(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary with go build")
	}
	isolateBuildCache(t)
	r := rand.New(rand.NewPCG(2026, 12))
	var src strings.Builder
	src.WriteString("package randomized\n\nimport \"fmt\"\n")
	var want []string
	for i := 0; i < 24; i++ {
		var tdf string
		var lines []string
		if i%2 == 0 {
			tdf, lines = randomAggregation(r, i)
		} else {
			tdf, lines = randomLoop(r, i)
		}
		src.WriteString(tdf)
		want = append(want, lines...)
	}
	sort.Strings(want)
	dir := t.TempDir()
	bin := buildTDF(t, writeFile(t, dir, "randomized.tdf", src.String()), dir)
	for _, args := range [][]string{{"-w", "1"}, {"-w", "3"}, {"-w", "3", "-combine=false"}} {
		got := sortedLines(runOK(t, dir, nil, bin, args...))
		if !assert.Equal(t, want, got, "%v", args) {
			t.Logf("program:\n%s", src.String())
		}
	}
}

// randomPairs returns a pipeline head of n (key, value) int64 tuples
// drawn from range(0, n) with Go arithmetic, and the same tuples
// computed here.
func randomPairs(r *rand.Rand, n int) (string, [][2]int64) {
	a, b, m := 1+r.Int64N(97), r.Int64N(50), 2+r.Int64N(9)
	c, d := 1+r.Int64N(31), 5+r.Int64N(200)
	head := fmt.Sprintf("range(0, %d) -> map(i => Tuple2[int64, int64]{F0: (i*%d + %d) %% %d, F1: (i*%d) %% %d})", n, a, b, m, c, d)
	pairs := make([][2]int64, n)
	for i := int64(0); i < int64(n); i++ {
		pairs[i] = [2]int64{(i*a + b) % m, (i * c) % d}
	}
	return head, pairs
}

// randomAggregation returns dataflow D<id>: random tuples, maybe a
// filter, maybe an exchange by the value (not the key), then one keyed
// aggregation; and the lines it must print.
func randomAggregation(r *rand.Rand, id int) (string, []string) {
	head, pairs := randomPairs(r, 50+r.IntN(400))
	pipe := head
	if r.IntN(2) == 0 {
		lim := r.Int64N(150)
		pipe += fmt.Sprintf(" -> filter(p => p.F1 > %d)", lim)
		pairs = slices.DeleteFunc(pairs, func(p [2]int64) bool { return p[1] <= lim })
	}
	if r.IntN(2) == 0 {
		pipe += " -> exchange(p => p.F1)"
	}
	byKey := map[int64][]int64{}
	for _, p := range pairs {
		byKey[p[0]] = append(byKey[p[0]], p[1])
	}
	prefix := fmt.Sprintf("D%d", id)
	var lines []string
	emit := func(format string, args ...any) {
		lines = append(lines, prefix+" "+fmt.Sprintf(format, args...))
	}
	var op string
	switch r.IntN(7) {
	case 0:
		op = "sum()"
		for k, vs := range byKey {
			var s int64
			for _, v := range vs {
				s += v
			}
			emit("%d %d", k, s)
		}
	case 1:
		op = "min()"
		for k, vs := range byKey {
			emit("%d %d", k, slices.Min(vs))
		}
	case 2:
		op = "max()"
		for k, vs := range byKey {
			emit("%d %d", k, slices.Max(vs))
		}
	case 3:
		op = "reduce((a, b) => a ^ b)"
		if len(pairs)%2 == 0 {
			op = "reduce((a, b) => a ^ b, associative)"
		}
		for k, vs := range byKey {
			x := vs[0]
			for _, v := range vs[1:] {
				x ^= v
			}
			emit("%d %d", k, x)
		}
	case 4:
		op = "top_k(2)"
		for k, vs := range byKey {
			vs = slices.Clone(vs)
			slices.Sort(vs)
			slices.Reverse(vs)
			for _, v := range vs[:min(2, len(vs))] {
				emit("%d %d", k, v)
			}
		}
	case 5:
		op = "map((k, _) => k) -> count() -> map((k, n) => Tuple2[int64, int64]{F0: k, F1: n})"
		for k, vs := range byKey {
			emit("%d %d", k, len(vs))
		}
	default:
		op = "map((_, v) => Tuple2[int64, int64]{F0: v % 7, F1: 0}) -> distinct()"
		seen := map[int64]bool{}
		for _, vs := range byKey {
			for _, v := range vs {
				if !seen[v%7] {
					seen[v%7] = true
					emit("%d %d", v%7, 0)
				}
			}
		}
	}
	tdf := fmt.Sprintf("\ndataflow %s {\n\t%s -> %s -> print((k, v) => fmt.Sprint(%q, k, \" \", v))\n}\n", prefix, pipe, op, prefix+" ")
	return tdf, lines
}

// randomLoop returns dataflow D<id>: a random graph, and a loop over it
// of one of three kinds, each joining against the edges from outside the
// loop; and the lines it must print.
func randomLoop(r *rand.Rand, id int) (string, []string) {
	n := 5 + r.Int64N(40)
	e := 5 + r.IntN(80)
	a, b, c := 1+r.Int64N(97), r.Int64N(50), 1+r.Int64N(89)
	edges := make([][2]int64, e)
	succ := map[int64][]int64{}
	for i := int64(0); i < int64(e); i++ {
		edges[i] = [2]int64{(i*a + b) % n, (i*c + 7) % n}
		succ[edges[i][0]] = append(succ[edges[i][0]], edges[i][1])
	}
	prefix := fmt.Sprintf("D%d", id)
	edgesStmt := fmt.Sprintf("edges := range(0, %d) -> map(i => Tuple2[int64, int64]{F0: (i*%d + %d) %% %d, F1: (i*%d + 7) %% %d})", e, a, b, n, c, n)
	root := r.Int64N(n)
	rounds := 1 + r.IntN(5)
	step := func(set map[int64]bool) map[int64]bool {
		out := map[int64]bool{}
		for v := range set {
			for _, m := range succ[v] {
				out[m] = true
			}
		}
		return out
	}
	var body string
	result := map[int64]bool{}
	switch r.IntN(4) {
	case 0: // iterate: reachability
		body = fmt.Sprintf(`	roots := range(0, 1) -> map(i => int64(%d))
	out := iterate x := roots {
		x -> map(v => Tuple2[int64, bool]{F0: v, F1: true}) -> join(edges) -> map((_, _, m) => m) -> next
	}`, root)
		frontier := map[int64]bool{root: true}
		for len(frontier) > 0 {
			next := map[int64]bool{}
			for v := range frontier {
				result[v] = true
			}
			for v := range step(frontier) {
				if !result[v] {
					next[v] = true
				}
			}
			frontier = next
		}
	case 1: // loop with max: the nodes at exactly `rounds` steps
		body = fmt.Sprintf(`	roots := range(0, 1) -> map(i => int64(%d))
	out := loop x := roots max %d {
		x -> map(v => Tuple2[int64, bool]{F0: v, F1: true}) -> join(edges) -> map((_, _, m) => m) -> distinct() -> next
	}`, root, rounds)
		result = map[int64]bool{root: true}
		for range rounds {
			result = step(result)
		}
	case 3: // labels kept across rounds: each node's least label
		body = `	links := edges -> flat_map((a, b) => []Tuple2[int64, int64]{{F0: a, F1: b}, {F0: b, F1: a}})
	labels := links -> map((v, _) => Tuple2[int64, int64]{F0: v, F1: v})
	lowered := loop l := labels {
		better := l -> join(links) -> map((_, label, v) => Tuple2[int64, int64]{F0: v, F1: label}) -> concat(l) -> min(across)
		better -> next
		better -> leave
	}
	out := lowered -> min() -> map((v, label) => v*1000 + label)`
		label := map[int64]int64{}
		for _, ed := range edges {
			label[ed[0]], label[ed[1]] = ed[0], ed[1]
		}
		for changed := true; changed; {
			changed = false
			for _, ed := range edges {
				m := min(label[ed[0]], label[ed[1]])
				if label[ed[0]] != m || label[ed[1]] != m {
					label[ed[0]], label[ed[1]] = m, m
					changed = true
				}
			}
		}
		for v, l := range label {
			result[v*1000+l] = true
		}
	default: // enter: the edges only in round 0
		body = fmt.Sprintf(`	roots := range(0, 1) -> map(i => int64(%d))
	out := loop x := roots max %d {
		first := edges -> enter()
		x -> map(v => Tuple2[int64, bool]{F0: v, F1: true}) -> join(first) -> map((_, _, m) => m) -> distinct() -> next
	}`, root, rounds)
		result = map[int64]bool{root: true}
		result = step(result)
		if rounds > 1 {
			result = map[int64]bool{}
		}
	}
	var lines []string
	for v := range result {
		lines = append(lines, fmt.Sprintf("%s %d", prefix, v))
	}
	tdf := fmt.Sprintf("\ndataflow %s {\n\t%s\n%s\n\tout -> print(v => fmt.Sprint(%q, v))\n}\n", prefix, edgesStmt, body, prefix+" ")
	return tdf, lines
}
