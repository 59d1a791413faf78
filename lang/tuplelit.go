package lang

import (
	"fmt"
	"go/scanner"
	"go/token"
	"sort"
)

// Lambda bodies may build a tuple as (a, b): a parenthesized list of two
// to four expressions where Go has none (not a call's arguments, a
// function's parameters or a conversion). The checker rewrites each into
// a call of the generic function tdcTupleN, which the base file declares
// and the generated code defines, so that Go infers the tuple's type
// from the fields: (a, b) is Tuple2[A, B], nested tuples nest, and
// untyped constants take their default types.

// tupleFunc is the name of the function that builds a tuple of n fields.
func tupleFunc(n int) string { return fmt.Sprintf("tdcTuple%d", n) }

// rewriteTuples returns src with every tuple literal (a, b[, c[, d]])
// turned into tdcTupleN(a, b...), and whether it changed anything.
func rewriteTuples(src string) (string, bool) {
	out, _, ok := rewriteTuplesAt(src, nil)
	return out, ok
}

// rewriteTuplesAt is rewriteTuples that also returns, when base is the
// .tdf position of src, the text to type-check: each inserted name is
// followed by a line directive giving the literal's own position, so
// that errors after it on its line keep their .tdf columns.
func rewriteTuplesAt(src string, base *Pos) (string, string, bool) {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(file, []byte(src), nil, 0)
	type open struct {
		offset    int
		candidate bool
		commas    int
	}
	var stack []open
	var inserts []struct {
		offset int
		text   string
	}
	prev := token.ILLEGAL
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		off := file.Offset(pos)
		switch tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			stack = append(stack, open{offset: off, candidate: tok == token.LPAREN && startsTuple(prev)})
			if tok != token.LPAREN {
				stack[len(stack)-1].candidate = false
			}
		case token.COMMA:
			if n := len(stack); n > 0 {
				stack[n-1].commas++
			}
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if n := len(stack); n > 0 {
				top := stack[n-1]
				stack = stack[:n-1]
				fields := top.commas + 1
				if prev == token.COMMA {
					fields-- // a trailing comma
				}
				if tok == token.RPAREN && top.candidate && fields >= 2 && fields <= maxTuple {
					inserts = append(inserts, struct {
						offset int
						text   string
					}{top.offset, tupleFunc(fields)})
				}
			}
		}
		if tok != token.SEMICOLON || lit == ";" {
			prev = tok
		}
	}
	if len(inserts) == 0 {
		return src, src, false
	}
	sort.Slice(inserts, func(i, j int) bool { return inserts[i].offset > inserts[j].offset })
	out, checked := src, src
	for _, in := range inserts {
		out = out[:in.offset] + in.text + out[in.offset:]
		if base != nil {
			checked = checked[:in.offset] + in.text + directive(offsetPos(src, *base, in.offset)) + checked[in.offset:]
		}
	}
	return out, checked, true
}

// offsetPos returns the .tdf position of byte offset off of src, which
// starts at base.
func offsetPos(src string, base Pos, off int) Pos {
	p := base
	for _, c := range src[:off] {
		if c == '\n' {
			p.Line++
			p.Column = 1
		} else {
			p.Column++
		}
	}
	return p
}

// startsTuple reports whether a '(' after token prev can only open a
// tuple literal when it holds commas: it does not follow what a call, a
// conversion, a function's parameters or a type assertion follow.
func startsTuple(prev token.Token) bool {
	switch prev {
	case token.IDENT, token.RPAREN, token.RBRACK, token.RBRACE, token.PERIOD,
		token.FUNC, token.STRING, token.INT, token.FLOAT, token.IMAG, token.CHAR,
		token.CHAN, token.INTERFACE, token.STRUCT, token.MAP:
		return false
	}
	return true
}
