package runtime

import (
	"fmt"
	"sync"

	"github.com/tdflow/tdc/runtime/tdnet"
)

// inputFile is a file a source of the dataflow reads.
type inputFile struct{ pos, path string }

// InputFile tells the computation that the source at pos (a .tdf
// position) reads the file at path. Before a computation of several
// processes starts, the processes compare each such file's identity
// (see [FileTerm]), so that processes reading different files refuse to
// compute together. Generated code calls it for every lines source; it
// must be called before Start.
func (c *Computation) InputFile(pos, path string) {
	c.inputFiles = append(c.inputFiles, inputFile{pos, path})
}

// inputTerms returns the terms of the input files: a file that cannot be
// read has the error as its value, so that a process that lacks it
// refuses, naming it, like one whose file differs.
func (c *Computation) inputTerms() []tdnet.Term {
	var terms []tdnet.Term
	for _, f := range c.inputFiles {
		name := "input of lines at " + f.pos
		t, err := tdnet.FileTerm(name, f.path)
		if err != nil {
			t = tdnet.NewTerm(name, "cannot be read: "+err.Error())
		}
		terms = append(terms, t)
	}
	return terms
}

// OpenLines opens the worker's share of the lines of path, as the
// function [OpenLines] does for the worker's index among all workers,
// and checks that every worker of this process finds the file at the
// same size: a file that changed size between two workers' opens would
// be split into shares that miss lines or read some twice. (Each reader
// also checks, at the end of its share, that the size has not changed
// since; see [ErrInputChanged].) Generated sources call it.
func (w *Worker) OpenLines(path string) (*LineReader, error) {
	lr, err := OpenLines(path, w.Index(), w.Peers())
	if err != nil {
		return nil, err
	}
	if lr.size >= 0 {
		if err := w.c.inputSizes.note(lr.path, lr.size); err != nil {
			lr.Close()
			return nil, err
		}
	}
	return lr, nil
}

// inputSizes are the sizes at which the workers found the files they
// read, by path.
type inputSizes struct {
	mu    sync.Mutex
	sizes map[string]int64
}

// note records that a worker found the file at path of size bytes, and
// fails when another found it of another size.
func (s *inputSizes) note(path string, size int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sizes == nil {
		s.sizes = make(map[string]int64)
	}
	if was, ok := s.sizes[path]; ok && was != size {
		return &RecordError{Path: path, Err: fmt.Errorf("%w (%d bytes when another worker opened it, %d now): the result would miss lines; read a copy that does not change", ErrInputChanged, was, size)}
	}
	s.sizes[path] = size
	return nil
}
