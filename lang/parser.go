package lang

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// tdfLexer splits a .tdf file into tokens. Its rules cover Go's tokens as
// well, because lambda bodies are Go code carried through the parser as
// token runs. The rules named Bad* and Invalid match malformed input, so
// that lexing never stops early and scan can report every such token
// with its position; the parser never sees them.
var tdfLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Comment", Pattern: `//[^\n]*|/\*(?s:.*?)\*/`},
	{Name: "BadComment", Pattern: `/\*(?s:.*)`},
	{Name: "Whitespace", Pattern: `[ \t\r\n]+`},
	{Name: "RawString", Pattern: "`[^`]*`"},
	{Name: "BadRawString", Pattern: "`[^`]*"},
	{Name: "String", Pattern: `"(\\.|[^"\\\n])*"`},
	{Name: "BadString", Pattern: `"(\\.|[^"\\\n])*\\?`},
	{Name: "Char", Pattern: `'(\\.|[^'\\\n])+'`},
	{Name: "BadChar", Pattern: `''|'(\\.|[^'\\\n])*\\?`},
	{Name: "Float", Pattern: `[0-9][0-9_]*\.[0-9_]*([eE][-+]?[0-9_]+)?|[0-9][0-9_]*[eE][-+]?[0-9_]+|\.[0-9][0-9_]*([eE][-+]?[0-9_]+)?`},
	{Name: "Int", Pattern: `0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9][0-9_]*`},
	{Name: "Ident", Pattern: `[\p{L}_][\p{L}\p{N}_]*`},
	{Name: "Punct", Pattern: `->|=>|:=|<<=|>>=|&\^=|\.\.\.|&&|\|\||<-|\+\+|--|==|!=|<=|>=|<<|>>|&\^|[-+*/%&|^]=|[-+*/%&|^<>=!.,;:~(){}\[\]]`},
	{Name: "Invalid", Pattern: `(?s:.)`},
})

var tdfParser = participle.MustBuild[File](
	participle.Lexer(tdfLexer),
	participle.Elide("Comment", "Whitespace"),
	participle.UseLookahead(16),
)

// ParseFile reads and parses the .tdf file at path. Positions in the AST
// and in errors use the name as given.
func ParseFile(path string) (*File, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(filepath.ToSlash(path), src)
}

// Parse parses the .tdf source src; name is used in positions. Its error
// is an [ErrorList] of syntax errors: every malformed token, else the
// first unbalanced bracket, else every grammar error (at most one a line),
// each saying what was expected.
func Parse(name string, src []byte) (*File, error) {
	f, _, err := parse(name, src)
	return f, err
}

// parse is Parse that also returns the scanned tokens and comments, which
// the formatter lays out around the AST.
func parse(name string, src []byte) (*File, *tokenStream, error) {
	ts, errs := scan(name, src)
	if len(errs) == 0 {
		errs = recognize(ts)
	}
	if len(errs) > 0 {
		return nil, nil, errs.Err()
	}
	peek, err := lexer.Upgrade(&tokenLexer{toks: ts.toks})
	if err != nil {
		return nil, nil, syntaxError(name, err)
	}
	f, err := tdfParser.ParseFromLexer(peek)
	if err != nil {
		return nil, nil, syntaxError(name, err)
	}
	fillGoText(f, src)
	return f, ts, nil
}

// tokenLexer replays scanned tokens to the participle parser, so that it
// parses exactly what the recognizer checked without lexing again.
type tokenLexer struct {
	toks []lexer.Token // ending with EOF
	next int
}

// Next returns the next token, and EOF at the end.
func (l *tokenLexer) Next() (lexer.Token, error) {
	t := l.toks[l.next]
	if l.next < len(l.toks)-1 {
		l.next++
	}
	return t, nil
}

// syntaxError turns a participle error into an ErrorList entry. The
// recognizer finds syntax errors first, so this is only a fallback.
func syntaxError(name string, err error) error {
	var perr participle.Error
	if errors.As(err, &perr) {
		var list ErrorList
		list.Add(perr.Position(), friendlySyntaxMessage(perr.Message()))
		return list.Err()
	}
	var list ErrorList
	list.Add(Pos{Filename: name, Line: 1, Column: 1}, err.Error())
	return list.Err()
}

// friendlySyntaxMessage rewrites participle's wording into ours.
func friendlySyntaxMessage(msg string) string {
	msg = strings.ReplaceAll(msg, "unexpected token", "unexpected")
	msg = strings.ReplaceAll(msg, `"<EOF>"`, "end of file")
	return msg
}

// fillGoText sets Text of every GoCode and GoBlock node to the source it
// spans, from its first token to its last, comments between them
// included.
func fillGoText(f *File, src []byte) {
	text := func(toks []lexer.Token) string {
		start, end := -1, -1
		for _, t := range toks {
			if t.Type == tokWhitespace || t.Type == tokComment {
				continue
			}
			if start < 0 {
				start = t.Pos.Offset
			}
			end = t.Pos.Offset + len(t.Value)
		}
		if start >= 0 && end <= len(src) {
			return string(src[start:end])
		}
		return ""
	}
	walkGoCode(f, func(g *GoCode) {
		g.Text = text(g.Tokens)
		g.Tokens = nil
		g.Parts = nil
	}, func(b *GoBlock) {
		b.Text = text(b.Tokens)
		b.Tokens = nil
		b.Parts = nil
	})
}

// walkGoCode calls code for every GoCode node in f and block for every
// GoBlock node.
func walkGoCode(f *File, code func(*GoCode), block func(*GoBlock)) {
	for _, d := range f.Decls {
		if d.Operator != nil {
			if d.Operator.State != nil {
				block(d.Operator.State)
			}
			for _, h := range d.Operator.Handlers {
				block(h.Body)
			}
		}
		if d.Dataflow != nil {
			walkStmts(d.Dataflow.Stmts, code)
		}
	}
}

// walkStmts calls fn for every GoCode node of stmts, loop bodies
// included.
func walkStmts(stmts []*Stmt, fn func(*GoCode)) {
	for _, s := range stmts {
		if s.Loop != nil {
			walkStmts(s.Loop.Stmts, fn)
		}
		if s.Pipeline == nil {
			continue
		}
		calls := append([]*Call{s.Pipeline.Head}, s.Pipeline.Ops...)
		for _, c := range calls {
			if c.Args == nil {
				continue
			}
			for _, a := range c.Args.Args {
				if a.Lambda != nil {
					fn(a.Lambda.Body)
				}
				if a.Expr != nil {
					fn(a.Expr)
				}
			}
		}
	}
}
