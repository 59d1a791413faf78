//go:build unix

package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests run natural formulations of graph algorithms and keyed
// aggregations, written with built-in operators only, and compare their
// output with plain Go references for 1, 2 and 4 workers and across 2
// and 3 processes: a join in a loop against a stream from outside it
// must see that stream whole in every round, and aggregations must give
// one result per key whatever the number of workers.

// derivedEdgesParse is the edge parser the programs below share.
const derivedEdgesParse = `lines(input) -> map(l => {
		f := strings.Fields(l)
		a, _ := strconv.ParseInt(f[0], 10, 64)
		b, _ := strconv.ParseInt(f[1], 10, 64)
		return Tuple2[int64, int64]{a, b}
	})`

// derivedHeader is the package clause, imports and params of the graph
// programs below.
func derivedHeader(pkg string) string {
	return "package " + pkg + `

import (
	"fmt"
	"strconv"
	"strings"
)

param input string = "edges.txt"
param root int64 = 0
param hops int64 = 3
`
}

// derivedPrograms are the programs, by name, each with its reference
// output for edges (sorted lines) and the root and hops it is run with.
var derivedPrograms = map[string]struct {
	tdf string
	ref func(edges [][2]int64, root, hops int64) []string
}{
	// Bellman-Ford with weights derived from the ends: a loop whose body
	// joins the distances with the edges bound outside it.
	"sssp": {
		tdf: derivedHeader("sssp") + `
dataflow SSSP {
	edges := ` + derivedEdgesParse + `
	start := range(0, 1) -> map(i => Tuple2[int64, int64]{root, 0})
	dist := loop d := start max 64 {
		d -> join(edges)
			-> map((a, da, b) => Tuple2[int64, int64]{b, da + (a*7+b)%5 + 1})
			-> concat(d)
			-> min()
			-> next
	}
	dist -> print((n, v) => fmt.Sprint(n, " ", v))
}
`,
		ref: ssspRef,
	},
	// Bellman-Ford again, with a minimum kept across rounds: only the
	// distances that improve go round, and leave.
	"sssp_across": {
		tdf: derivedHeader("ssspacross") + `
dataflow SSSPAcross {
	edges := ` + derivedEdgesParse + `
	start := range(0, 1) -> map(i => Tuple2[int64, int64]{root, 0})
	improved := loop d := start {
		better := d -> join(edges)
			-> map((a, da, b) => Tuple2[int64, int64]{b, da + (a*7+b)%5 + 1})
			-> concat(d)
			-> min(across)
		better -> next
		better -> leave
	}
	improved -> min() -> print((n, v) => fmt.Sprint(n, " ", v))
}
`,
		ref: ssspRef,
	},
	// Connected components by label propagation: the least label of each
	// node, kept across rounds; only lowered labels go round.
	"cc": {
		tdf: derivedHeader("cc") + `
dataflow CC {
	edges := ` + derivedEdgesParse + `
	links := edges -> flat_map((a, b) => []Tuple2[int64, int64]{{a, b}, {b, a}})
	labels := links -> map((a, _) => Tuple2[int64, int64]{a, a})
	lowered := loop l := labels {
		better := l -> join(links) -> map((_, label, n) => Tuple2[int64, int64]{n, label}) -> concat(l) -> min(across)
		better -> next
		better -> leave
	}
	lowered -> min() -> print((n, c) => fmt.Sprint(n, " ", c))
}
`,
		ref: func(edges [][2]int64, _, _ int64) []string {
			parent := map[int64]int64{}
			var find func(int64) int64
			find = func(x int64) int64 {
				if p, ok := parent[x]; ok && p != x {
					r := find(p)
					parent[x] = r
					return r
				}
				parent[x] = x
				return x
			}
			for _, e := range edges {
				a, b := find(e[0]), find(e[1])
				if a != b {
					parent[max(a, b)] = min(a, b)
				}
			}
			var out []string
			for n := range parent {
				out = append(out, fmt.Sprint(n, " ", find(n)))
			}
			return out
		},
	},
	// Transitive closure: an iterate whose body joins the paths with the
	// edges bound outside it.
	"closure": {
		tdf: derivedHeader("closure") + `
dataflow Closure {
	edges := ` + derivedEdgesParse + `
	paths := iterate p := edges {
		p -> map((a, b) => Tuple2[int64, int64]{b, a})
			-> join(edges)
			-> map((_, a, c) => Tuple2[int64, int64]{a, c})
			-> next
	}
	paths -> print((a, b) => fmt.Sprint(a, " ", b))
}
`,
		ref: func(edges [][2]int64, _, _ int64) []string {
			succ := map[int64][]int64{}
			for _, e := range edges {
				succ[e[0]] = append(succ[e[0]], e[1])
			}
			seen := map[[2]int64]bool{}
			var out []string
			for a := range succ {
				// Nodes reachable from a by one edge or more.
				stack := append([]int64(nil), succ[a]...)
				for len(stack) > 0 {
					n := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					if seen[[2]int64{a, n}] {
						continue
					}
					seen[[2]int64{a, n}] = true
					out = append(out, fmt.Sprint(a, " ", n))
					stack = append(stack, succ[n]...)
				}
			}
			return out
		},
	},
	// Nested loops: the outer loop grows a ball around the root by one
	// hop a round (a join against the edges, from two loops out); the
	// inner iterate walks from the root inside the ball (a join against
	// the edges and one against the ball, a stream of the outer body).
	"ball": {
		tdf: derivedHeader("ball") + `
dataflow Ball {
	edges := ` + derivedEdgesParse + `
	roots := range(0, 1) -> map(i => root)
	ball := loop s := roots max hops {
		grown := s -> map(n => Tuple2[int64, int64]{n, 0})
			-> join(edges)
			-> map((_, _, b) => b)
			-> concat(s)
			-> distinct()
		allowed := grown -> map(n => Tuple2[int64, int64]{n, 0})
		start := grown -> filter(n => n == root)
		inside := iterate y := start {
			y -> map(n => Tuple2[int64, int64]{n, 0})
				-> join(edges)
				-> map((_, _, b) => Tuple2[int64, int64]{b, 0})
				-> join(allowed)
				-> map((b, _, _) => b)
				-> next
		}
		inside -> next
	}
	ball -> print(n => fmt.Sprint(n))
}
`,
		ref: func(edges [][2]int64, root, hops int64) []string {
			depth := map[int64]int64{root: 0}
			frontier := []int64{root}
			for d := int64(1); d <= hops; d++ {
				var next []int64
				for _, n := range frontier {
					for _, e := range edges {
						if e[0] == n {
							if _, ok := depth[e[1]]; !ok {
								depth[e[1]] = d
								next = append(next, e[1])
							}
						}
					}
				}
				frontier = next
			}
			var out []string
			for n := range depth {
				out = append(out, strconv.FormatInt(n, 10))
			}
			return out
		},
	},
	// Keyed aggregations without an exchange before them.
	"aggregates": {
		tdf: `package aggregates

import "fmt"

dataflow Aggregates {
	pairs := range(0, 5000) -> map(i => Tuple2[int64, int64]{i % 7, i * 3 % 1000})
	pairs -> sum() -> print((k, v) => fmt.Sprint("sum ", k, " ", v))
	pairs -> min() -> print((k, v) => fmt.Sprint("min ", k, " ", v))
	pairs -> max() -> print((k, v) => fmt.Sprint("max ", k, " ", v))
	pairs -> reduce((a, b) => a ^ b) -> print((k, v) => fmt.Sprint("xor ", k, " ", v))
	pairs -> top_k(2) -> print((k, v) => fmt.Sprint("top ", k, " ", v))
	pairs -> map((k, _) => k) -> count() -> print((k, n) => fmt.Sprint("count ", k, " ", n))
	pairs -> map((_, v) => v % 11) -> distinct() -> print(v => fmt.Sprint("distinct ", v))
	pairs -> map((k, v) => Tuple2[int64, int64]{v % 3, k}) -> count() -> map((kv, n) => Tuple2[int64, int64]{kv.F0, n}) -> sum() -> print((k, n) => fmt.Sprint("regrouped ", k, " ", n))
}
`,
		ref: func(_ [][2]int64, _, _ int64) []string {
			sum, mn, mx, xor := map[int64]int64{}, map[int64]int64{}, map[int64]int64{}, map[int64]int64{}
			vals := map[int64][]int64{}
			count := map[int64]int64{}
			distinct := map[int64]bool{}
			regrouped := map[int64]int64{}
			for i := int64(0); i < 5000; i++ {
				k, v := i%7, i*3%1000
				sum[k] += v
				if old, ok := mn[k]; !ok || v < old {
					mn[k] = v
				}
				if old, ok := mx[k]; !ok || v > old {
					mx[k] = v
				}
				if _, ok := xor[k]; ok {
					xor[k] ^= v
				} else {
					xor[k] = v
				}
				vals[k] = append(vals[k], v)
				count[k]++
				distinct[v%11] = true
				regrouped[v%3]++
			}
			var out []string
			for k := range sum {
				out = append(out, fmt.Sprint("sum ", k, " ", sum[k]), fmt.Sprint("min ", k, " ", mn[k]),
					fmt.Sprint("max ", k, " ", mx[k]), fmt.Sprint("xor ", k, " ", xor[k]), fmt.Sprint("count ", k, " ", count[k]))
				vs := vals[k]
				sort.Slice(vs, func(i, j int) bool { return vs[i] > vs[j] })
				out = append(out, fmt.Sprint("top ", k, " ", vs[0]), fmt.Sprint("top ", k, " ", vs[1]))
			}
			for v := range distinct {
				out = append(out, fmt.Sprint("distinct ", v))
			}
			for k, n := range regrouped {
				out = append(out, fmt.Sprint("regrouped ", k, " ", n))
			}
			return out
		},
	},
}

// TestDerivedStateAcrossWorkers runs each program of derivedPrograms on
// random graphs with 1, 2 and 4 workers and under tdc launch with 2 and
// 3 processes, against its reference.
func TestDerivedStateAcrossWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries with go build")
	}
	isolateBuildCache(t)
	dir := t.TempDir()
	tdc := tdcCommand(t)
	names := make([]string, 0, len(derivedPrograms))
	for name := range derivedPrograms {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		prog := derivedPrograms[name]
		t.Run(name, func(t *testing.T) {
			tdf := writeFile(t, dir, name+".tdf", prog.tdf)
			bin := buildTDF(t, tdf, dir)
			for seed := uint64(1); seed <= 2; seed++ {
				edges := derivedGraph(seed, 40+int(seed)*20, 60+int(seed)*50)
				path := filepath.Join(dir, fmt.Sprintf("edges-%s-%d.txt", name, seed))
				var text strings.Builder
				for _, e := range edges {
					fmt.Fprintf(&text, "%d %d\n", e[0], e[1])
				}
				writeFile(t, dir, filepath.Base(path), text.String())
				root, hops := int64(seed), int64(2+seed)
				want := prog.ref(edges, root, hops)
				sort.Strings(want)
				require.NotEmpty(t, want)
				args := []string{"-input", path, "-root", fmt.Sprint(root), "-hops", fmt.Sprint(hops)}
				if name == "aggregates" {
					args = nil
				}
				for _, w := range []int{1, 2, 4} {
					got := sortedLines(runOK(t, dir, nil, bin, append([]string{"-w", fmt.Sprint(w)}, args...)...))
					assert.Equal(t, want, got, "graph %d, -w %d", seed, w)
				}
				got := sortedLines(runOK(t, dir, nil, bin, append([]string{"-w", "2", "-combine=false"}, args...)...))
				assert.Equal(t, want, got, "graph %d, -w 2 -combine=false", seed)
				for _, n := range []int{2, 3} {
					launch := append([]string{"launch", "-n", fmt.Sprint(n), "-w", "1", bin}, args...)
					got := sortedLines(runOK(t, dir, nil, tdc, launch...))
					assert.Equal(t, want, got, "graph %d, tdc launch -n %d", seed, n)
				}
			}
		})
	}
}

// derivedGraph returns n random edges between nodes below nodes, with
// repeats and self-loops, the way real edge lists have them.
func derivedGraph(seed uint64, nodes, n int) [][2]int64 {
	r := rand.New(rand.NewPCG(seed, 7))
	edges := make([][2]int64, n)
	for i := range edges {
		edges[i] = [2]int64{int64(r.IntN(nodes)), int64(r.IntN(nodes))}
	}
	return edges
}

// ssspRef returns the shortest distances from root, by Bellman-Ford,
// with the weights the sssp programs give edges.
func ssspRef(edges [][2]int64, root, _ int64) []string {
	dist := map[int64]int64{root: 0}
	for changed := true; changed; {
		changed = false
		for _, e := range edges {
			if da, ok := dist[e[0]]; ok {
				nd := da + (e[0]*7+e[1])%5 + 1
				if old, ok := dist[e[1]]; !ok || nd < old {
					dist[e[1]] = nd
					changed = true
				}
			}
		}
	}
	var out []string
	for n, v := range dist {
		out = append(out, fmt.Sprint(n, " ", v))
	}
	return out
}

// TestReadLongLine feeds a typed reader a 200 MB line: the binary must
// fail with the limit error naming the file and line, having read no
// more of the line than the limit (its peak memory stays far below the
// line's size).
func TestReadLongLine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary with go build")
	}
	isolateBuildCache(t)
	dir := t.TempDir()
	tdf := writeFile(t, dir, "long.tdf", `package long

param input string = "edges.txt"

dataflow Long {
	read(input, Tuple2[int64, int64]) -> map((a, _) => a) -> count() -> print()
}
`)
	bin := buildTDF(t, tdf, dir)
	path := filepath.Join(dir, "edges.txt")
	f, err := os.Create(path)
	require.NoError(t, err)
	_, err = f.WriteString(strings.Repeat("1 2\n", 1000) + "3 ")
	require.NoError(t, err)
	chunk := []byte(strings.Repeat("9", 1<<20))
	for i := 0; i < 200; i++ {
		_, err = f.Write(chunk)
		require.NoError(t, err)
	}
	_, err = f.WriteString("\n4 5\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())

	p := startProc(t, dir, nil, bin, "-input", path, "-w", "2")
	code := p.wait(t, time.Minute)
	assert.Equal(t, 1, code)
	assert.Contains(t, p.stderr.String(), path+":1001: line longer than the limit of 16777216 bytes")
	if ru, ok := p.cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		assert.Less(t, ru.Maxrss, int64(150<<10), "peak RSS in KiB: the reader held too much of the line")
	}
}
