package runtime

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
func (c *Computation) inputTerms() []Term {
	var terms []Term
	for _, f := range c.inputFiles {
		name := "input of lines at " + f.pos
		t, err := FileTerm(name, f.path)
		if err != nil {
			t = NewTerm(name, "cannot be read: "+err.Error())
		}
		terms = append(terms, t)
	}
	return terms
}
