package main

import (
	"fmt"
	"io"
	"os"
)

// csr is a graph in compressed sparse rows: the out-neighbours of node v
// are dst[off[v]:off[v+1]].
type csr struct {
	off []uint32
	dst []uint32
}

// loadCSR reads a file of "src dst" lines with a hand-written parser and
// builds its CSR over the nodes 0..max id.
func loadCSR(path string) (*csr, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var src, dst []uint32
	var top uint32
	var cur [2]uint32
	k, inNum := 0, false
	for _, c := range data {
		switch {
		case c >= '0' && c <= '9':
			cur[k] = cur[k]*10 + uint32(c-'0')
			inNum = true
		case c == ' ' && inNum && k == 0:
			k, inNum = 1, false
		case c == '\n':
			if k == 1 && inNum {
				src, dst = append(src, cur[0]), append(dst, cur[1])
				top = max(top, cur[0], cur[1])
			}
			cur, k, inNum = [2]uint32{}, 0, false
		}
	}
	if k == 1 && inNum { // a last line without its newline
		src, dst = append(src, cur[0]), append(dst, cur[1])
		top = max(top, cur[0], cur[1])
	}
	g := &csr{off: make([]uint32, int(top)+2), dst: make([]uint32, len(dst))}
	for _, s := range src {
		g.off[s+1]++
	}
	for v := 1; v < len(g.off); v++ {
		g.off[v] += g.off[v-1]
	}
	fill := append([]uint32(nil), g.off[:len(g.off)-1]...)
	for i, s := range src {
		g.dst[fill[s]] = dst[i]
		fill[s]++
	}
	return g, nil
}

// pageRank runs iters rounds of rank[v] = 0.15 + 0.85 * sum of
// rank[u]/outdeg(u) over the edges u->v.
func (g *csr) pageRank(iters int) []float32 {
	n := len(g.off) - 1
	rank, sum := make([]float32, n), make([]float32, n)
	for v := range rank {
		rank[v] = 1
	}
	for range iters {
		clear(sum)
		for u := range n {
			lo, hi := g.off[u], g.off[u+1]
			if lo == hi {
				continue
			}
			share := rank[u] / float32(hi-lo)
			for _, v := range g.dst[lo:hi] {
				sum[v] += share
			}
		}
		for v := range rank {
			rank[v] = 0.15 + 0.85*sum[v]
		}
	}
	return rank
}

// reach returns how many nodes a BFS from root reaches, root included.
func (g *csr) reach(root uint32) int {
	n := uint32(len(g.off) - 1)
	if root >= n {
		return 1
	}
	seen := make([]bool, n)
	seen[root] = true
	queue := []uint32{root}
	for i := 0; i < len(queue); i++ {
		u := queue[i]
		for _, v := range g.dst[g.off[u]:g.off[u+1]] {
			if !seen[v] {
				seen[v] = true
				queue = append(queue, v)
			}
		}
	}
	return len(queue)
}

// runBaseline is the child mode "-baseline pagerank|reach FILE": it
// loads the graph, computes, and prints a checksum.
func runBaseline(kind, path string, out io.Writer) error {
	g, err := loadCSR(path)
	if err != nil {
		return err
	}
	switch kind {
	case "pagerank":
		var s float64
		for _, r := range g.pageRank(20) {
			s += float64(r)
		}
		_, err = fmt.Fprintf(out, "rank sum %.3f\n", s)
	case "reach":
		_, err = fmt.Fprintf(out, "reached %d\n", g.reach(0))
	default:
		err = fmt.Errorf("unknown baseline %q", kind)
	}
	return err
}
