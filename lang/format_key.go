package lang

import (
	"fmt"
	"go/scanner"
	"go/token"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// SyntaxKey parses the .tdf source src and returns a text that two
// sources have in common exactly when they are the same program, whatever
// their layout and their comments: the Dump of the AST without
// positions, with its embedded Go (laid out by gofmt where it parses as
// Go) reduced to its tokens, the comments in it included. Its error is
// Parse's.
func SyntaxKey(name string, src []byte) (string, error) {
	f, err := Parse(name, src)
	if err != nil {
		return "", err
	}
	return syntaxKey(f, src), nil
}

// syntaxKey is SyntaxKey of f, parsed from src. It changes f: its Go text
// and positions are gone afterwards.
func syntaxKey(f *File, src []byte) string {
	key := func(kind goKind, pos Pos, text string) string {
		if g, ok := formatGo(kind, text, sourceIndent(src, pos.Offset)); ok {
			text = g
		}
		return goTokens(text)
	}
	for _, d := range f.Decls {
		if op := d.Operator; op != nil {
			if op.State != nil {
				op.State.Text = key(goFields, op.State.Pos, op.State.Text)
			}
			for _, h := range op.Handlers {
				h.Body.Text = key(goBody, h.Body.Pos, h.Body.Text)
			}
		}
		if d.Dataflow != nil {
			forEachArg(d.Dataflow.Stmts, func(a *Arg, n int) {
				if l := a.Lambda; l != nil {
					l.Body.Text = key(lambdaKind(l.Body.Text), l.Body.Pos, l.Body.Text)
				}
				if e := a.Expr; e != nil {
					e.Text = key(argKind(n), e.Pos, e.Text)
				}
			})
		}
	}
	clearPositions(reflect.ValueOf(f))
	return Dump(f)
}

// forEachArg calls fn for every argument of every call of stmts, loop
// bodies included, with the number of arguments of its call.
func forEachArg(stmts []*Stmt, fn func(a *Arg, n int)) {
	for _, s := range stmts {
		if s.Loop != nil {
			forEachArg(s.Loop.Stmts, fn)
		}
		if s.Pipeline == nil {
			continue
		}
		for _, c := range append([]*Call{s.Pipeline.Head}, s.Pipeline.Ops...) {
			if c.Args != nil {
				for _, a := range c.Args.Args {
					fn(a, len(c.Args.Args))
				}
			}
		}
	}
}

// goTokens spells the Go source src as its tokens, one a line, without
// the semicolons (which depend on line breaks) and with the blanks in
// comments reduced to single ones (their lines move with the code).
func goTokens(src string) string {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(file, []byte(src), func(token.Position, string) {}, scanner.ScanComments)
	var b strings.Builder
	for {
		_, tok, lit := s.Scan()
		switch tok {
		case token.EOF:
			return b.String()
		case token.SEMICOLON:
			continue
		case token.COMMENT:
			lit = strings.Join(strings.Fields(lit), " ")
		}
		b.WriteString(tok.String() + " " + strconv.Quote(lit) + "\n")
	}
}

// posType is the type of the positions of AST nodes.
var posType = reflect.TypeFor[Pos]()

// clearPositions zeroes every position in the AST node v.
func clearPositions(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			clearPositions(v.Elem())
		}
	case reflect.Slice:
		for i := range v.Len() {
			clearPositions(v.Index(i))
		}
	case reflect.Struct:
		if v.Type() == posType {
			v.Set(reflect.Zero(posType))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				clearPositions(v.Field(i))
			}
		}
	}
}

// commentKey returns a text that two scans of .tdf source have in common
// when they have the same comments in the same places: each comment's
// text (its blanks reduced to single ones), and for a comment outside
// embedded Go the tokens before and after it and whether it is on the
// line of the token before it; ";" and "," do not count, as the layout
// replaces the one and adds or removes the other at the end of a list. Inside Go, where gofmt decides, only the
// order counts. f is the file ts was parsed to.
func commentKey(f *File, ts *tokenStream) string {
	spans := goSpans(f)
	inGo := func(off int) bool {
		i := sort.Search(len(spans), func(i int) bool { return spans[i][1] > off })
		return i < len(spans) && spans[i][0] <= off
	}
	// around returns the token before or after index i, skipping ";".
	around := func(i, step int) string {
		for ; i >= 0 && i < len(ts.toks); i += step {
			t := ts.toks[i]
			switch {
			case isPunctTok(t, ";"), isPunctTok(t, ","):
				continue
			case t.EOF():
				return "EOF"
			case inGo(t.Pos.Offset):
				return "Go"
			}
			return t.Value
		}
		return "BOF"
	}
	var b strings.Builder
	for _, c := range ts.comments {
		text := strings.Join(strings.Fields(c.Value), " ")
		if inGo(c.Pos.Offset) {
			fmt.Fprintf(&b, "in Go: %s\n", text)
			continue
		}
		next := sort.Search(len(ts.toks), func(i int) bool { return ts.toks[i].Pos.Offset > c.Pos.Offset })
		prev := next - 1
		for prev >= 0 && (isPunctTok(ts.toks[prev], ";") || isPunctTok(ts.toks[prev], ",")) {
			prev--
		}
		trailing := prev >= 0 && tokenEndLine(ts.toks[prev]) == c.Pos.Line
		fmt.Fprintf(&b, "%s | %s | %s | trailing %v\n", text, around(prev, -1), around(next, 1), trailing)
	}
	return b.String()
}

// goSpans returns the byte ranges [start, end) of the embedded Go of f,
// in order.
func goSpans(f *File) [][2]int {
	var spans [][2]int
	add := func(pos Pos, text string) { spans = append(spans, [2]int{pos.Offset, pos.Offset + len(text)}) }
	for _, d := range f.Decls {
		if op := d.Operator; op != nil {
			if op.State != nil {
				add(op.State.Pos, op.State.Text)
			}
			for _, h := range op.Handlers {
				add(h.Body.Pos, h.Body.Text)
			}
		}
		if d.Dataflow != nil {
			forEachArg(d.Dataflow.Stmts, func(a *Arg, _ int) {
				if a.Lambda != nil {
					add(a.Lambda.Body.Pos, a.Lambda.Body.Text)
				}
				if a.Expr != nil {
					add(a.Expr.Pos, a.Expr.Text)
				}
			})
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	return spans
}
