package lang

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/parser"
	"go/scanner"
	"go/token"
	"regexp"
	"strings"
)

// Embedded Go is laid out by gofmt itself: the formatter wraps a piece
// of Go in a file that makes it a declaration (an expression becomes the
// value of a var, a block the body of a func, a state block the fields
// of a struct type), formats the file with go/format, and takes the piece
// back out. Go that does not parse this way is left as written.
//
// Indentation is relative: before wrapping, the lines after the first
// lose the indentation of the .tdf line the piece starts on, and after
// formatting they get the indentation of the line it is printed on. Lines
// that start inside a raw string literal are never touched, since their
// indentation is part of the string.

// goKind is what a piece of embedded Go is, which decides how it is
// wrapped for gofmt.
type goKind int

const (
	goExpr   goKind = iota // a lambda's expression body, or the only argument of a call
	goArg                  // an argument of a call that has several
	goBody                 // a lambda's block body or a handler: { statements }
	goFields               // the state of a custom operator: { fields }
)

// goWrapper is what goes before and after a piece of Go of each kind to
// make it a declaration of a file. gofmt lays out the arguments of a
// call of several arguments more tightly than a lone expression (f(a+b,
// c), but f(a + b)); an index is laid out like them.
var goWrapper = map[goKind][2]string{
	goExpr:   {"var _ = ", ""},
	goArg:    {"var _ = x[", "]"},
	goBody:   {"func _() ", ""},
	goFields: {"type _ struct ", ""},
}

// argKind is the kind of an argument of a call of n arguments.
func argKind(n int) goKind {
	if n > 1 {
		return goArg
	}
	return goExpr
}

// goFileHead starts every wrapped file.
const goFileHead = "package p\n\n"

// tupleCall is the name the checker's rewriting gives the calls that
// stand for tuple literals. Go has no tuple literal (a, b), but gofmt
// formats the call tdcTuple2(a, b) as it would format the tuple.
const tupleCall = "tdcTuple"

// tupleCalls finds those calls in formatted Go.
var tupleCalls = regexp.MustCompile(tupleCall + `[0-9]\(`)

// lambdaKind is the kind of a lambda's body.
func lambdaKind(body string) goKind {
	if strings.HasPrefix(body, "{") {
		return goBody
	}
	return goExpr
}

// formatGo formats the Go text of the given kind, which starts on a .tdf
// line indented by indent. It returns the text as gofmt lays it out, the
// lines after the first indented relative to the first, or false when
// the text does not parse as Go of its kind.
func formatGo(kind goKind, text, indent string) (string, bool) {
	out, ok := gofmt(kind, dedent(text, indent))
	// gofmt is not always idempotent where comments crowd the code (it
	// may align a comment only on its second pass); format until the
	// text holds still, so that tdc fmt is.
	for range maxGofmtPasses {
		if !ok {
			break
		}
		again, ok := gofmt(kind, out)
		if !ok || again == out {
			break
		}
		out = again
	}
	return out, ok
}

// maxGofmtPasses bounds the passes of gofmt over one piece of Go.
const maxGofmtPasses = 4

// gofmt formats the Go text rel of the given kind, whose lines after the
// first are indented relative to the first, as a declaration of a Go
// file, or returns false when it does not parse as one.
func gofmt(kind goKind, rel string) (string, bool) {
	wrapped := rel
	tuples := false
	if kind != goFields && !strings.Contains(rel, tupleCall) {
		wrapped, tuples = rewriteTuples(rel)
	}
	w := goWrapper[kind]
	src := goFileHead + w[0] + wrapped + w[1] + "\n"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil || !oneDecl(f, kind) {
		return "", false
	}
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, f); err != nil {
		return "", false
	}
	out, ok := strings.CutPrefix(buf.String(), goFileHead+strings.TrimSpace(w[0]))
	if !ok {
		return "", false
	}
	if out, ok = strings.CutSuffix(out, w[1]+"\n"); !ok {
		return "", false
	}
	out = strings.TrimPrefix(out, " ")
	if tuples {
		out = tupleCalls.ReplaceAllString(out, "(")
	}
	return out, true
}

// oneDecl reports whether f, a wrapped piece of Go, holds exactly the one
// declaration the wrapper makes, so that the piece was one expression,
// block or field list and nothing more.
func oneDecl(f *ast.File, kind goKind) bool {
	if len(f.Decls) != 1 || len(f.Imports) != 0 {
		return false
	}
	switch d := f.Decls[0].(type) {
	case *ast.FuncDecl:
		return kind == goBody && d.Body != nil
	case *ast.GenDecl:
		if len(d.Specs) != 1 || d.Lparen.IsValid() {
			return false
		}
		switch s := d.Specs[0].(type) {
		case *ast.ValueSpec:
			if len(s.Values) != 1 || s.Type != nil {
				return false
			}
			_, index := s.Values[0].(*ast.IndexExpr)
			return kind == goExpr || kind == goArg && index
		case *ast.TypeSpec:
			_, ok := s.Type.(*ast.StructType)
			return kind == goFields && ok && !s.Assign.IsValid() && s.TypeParams == nil
		}
	}
	return false
}

// dedent removes indent from the start of every line of text after the
// first, where it is there, except on lines inside a raw string.
func dedent(text, indent string) string {
	if indent == "" || !strings.Contains(text, "\n") {
		return text
	}
	return mapLines(text, func(line string) string {
		return strings.TrimPrefix(line, indent)
	})
}

// reindent puts indent before every non-empty line of text after the
// first, except on lines inside a raw string.
func reindent(text, indent string) string {
	if indent == "" || !strings.Contains(text, "\n") {
		return text
	}
	return mapLines(text, func(line string) string {
		if line == "" {
			return line
		}
		return indent + line
	})
}

// mapLines applies fn to every line of the Go text src after the first
// that does not start inside a raw string literal.
func mapLines(src string, fn func(string) string) string {
	inRaw := rawStringLines(src)
	lines := strings.Split(src, "\n")
	for i := 1; i < len(lines); i++ {
		if !inRaw[i] {
			lines[i] = fn(lines[i])
		}
	}
	return strings.Join(lines, "\n")
}

// rawStringLines reports, for each line of the Go text src (counted from
// 0), whether it starts inside a raw string literal.
func rawStringLines(src string) map[int]bool {
	if !strings.Contains(src, "`") {
		return nil
	}
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(file, []byte(src), func(token.Position, string) {}, scanner.ScanComments)
	in := map[int]bool{}
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return in
		}
		if tok != token.STRING || !strings.HasPrefix(lit, "`") {
			continue
		}
		first := file.Line(pos) - 1
		for i := range strings.Count(rawLiteral(src, file.Offset(pos)), "\n") {
			in[first+1+i] = true
		}
	}
}

// rawLiteral returns the raw string literal of src that starts at off,
// backquotes included (the scanner's literal drops carriage returns).
func rawLiteral(src string, off int) string {
	end := strings.IndexByte(src[off+1:], '`')
	if end < 0 {
		return src[off:]
	}
	return src[off : off+end+2]
}

// sourceIndent returns the blanks and tabs that start the line of src
// holding offset off.
func sourceIndent(src []byte, off int) string {
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	end := start
	for end < off && (src[end] == ' ' || src[end] == '\t') {
		end++
	}
	return string(src[start:end])
}
