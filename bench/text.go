package main

import (
	"bufio"
	"math/rand/v2"
	"os"
	"strconv"
)

// writeText writes words random words, ten to a line, drawn from a
// vocabulary of 50000 with a Zipf distribution, deterministically from
// seed.
func writeText(path string, words int, seed uint64) error {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	vocab := make([]string, 50000)
	for i := range vocab {
		b := make([]byte, 3+r.IntN(8))
		for j := range b {
			b[j] = byte('a' + r.IntN(26))
		}
		vocab[i] = string(b)
	}
	z := rand.NewZipf(rand.New(rand.NewPCG(seed+1, seed)), 1.1, 1, uint64(len(vocab)-1))
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for i := range words {
		w.WriteString(vocab[z.Uint64()])
		if i%10 == 9 {
			w.WriteByte('\n')
		} else {
			w.WriteByte(' ')
		}
	}
	w.WriteByte('\n')
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeGraph writes the random graph of examples/internal/graphtest
// (Random(nodes, edges, seed): ends uniform over 0..nodes-1 from the same
// PCG stream, so the same graph the example tests use) as "src dst"
// lines. graphtest is internal to examples/, so it is drawn again here.
func writeGraph(path string, nodes, edges int, seed uint64) error {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var buf []byte
	n := uint32(nodes)
	for range edges {
		buf = strconv.AppendUint(buf[:0], uint64(r.Uint32N(n)), 10)
		buf = append(buf, ' ')
		buf = strconv.AppendUint(buf, uint64(r.Uint32N(n)), 10)
		buf = append(buf, '\n')
		w.Write(buf)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
