package lang

import "fmt"

// Format returns the .tdf source src in its canonical layout, the one
// tdc fmt writes; name is used in error positions. The layout is
// described in docs/language.md ("Formatting"): tabs for indentation, a
// statement, field or declaration a line, one blank line at most between
// them and exactly one between top-level declarations (consecutive params
// and imports may stay together), single blanks between tokens, a
// pipeline either on one line or with one stage a line, each
// continuation line starting with "->", and the Go code that parses as
// Go laid out by gofmt. Comments stay where they are.
//
// A file with syntax errors is not formatted: the error is Parse's
// [ErrorList]. Formatting never changes the program or moves a comment:
// Format parses its result again and returns an error instead when the
// two trees ([SyntaxKey]) or the places of their comments differ, which
// would be a bug of the formatter.
func Format(name string, src []byte) ([]byte, error) {
	f, ts, err := parse(name, src)
	if err != nil {
		return nil, err
	}
	out, err := printFile(f, ts, src)
	if err != nil {
		return nil, fmt.Errorf("%s: formatting failed (a bug of tdc fmt): %v", name, err)
	}
	g, gts, err := parse(name, out)
	if err != nil {
		return nil, fmt.Errorf("%s: formatting failed (a bug of tdc fmt): the result does not parse: %v", name, err)
	}
	if commentKey(g, gts) != commentKey(f, ts) {
		return nil, fmt.Errorf("%s: formatting failed (a bug of tdc fmt): comments moved", name)
	}
	if syntaxKey(g, out) != syntaxKey(f, src) {
		return nil, fmt.Errorf("%s: formatting failed (a bug of tdc fmt): the result parses to another program", name)
	}
	return out, nil
}

// printFile lays out the file f, parsed from src into ts.
func printFile(f *File, ts *tokenStream, src []byte) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(syncError)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("%s", e.msg)
		}
	}()
	p := newPrinter(src, ts)
	p.file(f)
	return p.finish(), nil
}

// file prints the package clause, the imports and the declarations.
func (p *printer) file(f *File) {
	p.breakLine(0, 0, 0)
	p.cont = 1
	p.tok("package")
	p.sp()
	p.tok(f.Package.Name)
	p.imports(f.Imports)
	var prev *Decl
	for _, d := range f.Decls {
		min := 1
		if prev != nil && prev.Param != nil && d.Param != nil && !p.ownLineCommentBefore(d.Pos.Offset) {
			min = 0
		}
		p.breakLine(0, min, 1)
		p.cont = 1
		p.decl(d)
		prev = d
	}
}

// imports prints the import declarations, single or grouped as written.
func (p *printer) imports(imports []*Import) {
	k := 0
	for first := true; p.has("import"); first = false {
		if first {
			p.breakLine(0, 1, 1)
		} else {
			p.breakLine(0, 0, 1)
		}
		p.tok("import")
		p.sp()
		if !p.has("(") {
			p.importSpec(imports[k])
			k++
			continue
		}
		if p.emptyGroup() {
			p.tok("(")
			p.tok(")")
			continue
		}
		p.tok("(")
		for first := true; !p.has(")"); first = false {
			p.breakLine(1, 0, blankUnless(first))
			p.importSpec(imports[k])
			k++
		}
		p.closeBlock(")", 1, 0)
	}
}

// blankUnless is the most blank lines allowed before an item of a block:
// none before the first.
func blankUnless(first bool) int {
	if first {
		return 0
	}
	return 1
}

// importSpec prints [name] "path".
func (p *printer) importSpec(im *Import) {
	if im.Name != nil {
		p.tok(im.Name.Name)
		p.sp()
	}
	p.tok(im.Path)
}

// closeBlock prints the closing bracket v of a block whose items are
// indented by inner, after the comments before it, at outer.
func (p *printer) closeBlock(v string, inner, outer int) {
	t := p.peek(v)
	p.breakLine(inner, 0, 1)
	p.flushComments(t)
	p.breakLine(outer, 0, 0)
	p.tok(v)
}
