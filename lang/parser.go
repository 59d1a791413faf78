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
// token runs.
var tdfLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Comment", Pattern: `//[^\n]*|/\*(?s:.*?)\*/`},
	{Name: "Whitespace", Pattern: `[ \t\r\n]+`},
	{Name: "RawString", Pattern: "`[^`]*`"},
	{Name: "String", Pattern: `"(\\.|[^"\\\n])*"`},
	{Name: "Char", Pattern: `'(\\.|[^'\\\n])+'`},
	{Name: "Float", Pattern: `[0-9][0-9_]*\.[0-9_]*([eE][-+]?[0-9_]+)?|[0-9][0-9_]*[eE][-+]?[0-9_]+|\.[0-9][0-9_]*([eE][-+]?[0-9_]+)?`},
	{Name: "Int", Pattern: `0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9][0-9_]*`},
	{Name: "Ident", Pattern: `[\p{L}_][\p{L}\p{N}_]*`},
	{Name: "Punct", Pattern: `->|=>|:=|<<=|>>=|&\^=|\.\.\.|&&|\|\||<-|\+\+|--|==|!=|<=|>=|<<|>>|&\^|[-+*/%&|^]=|[-+*/%&|^<>=!.,;:~(){}\[\]]`},
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

// Parse parses the .tdf source src; name is used in positions.
func Parse(name string, src []byte) (*File, error) {
	f, err := tdfParser.ParseBytes(name, src)
	if err != nil {
		return nil, syntaxError(name, err)
	}
	fillGoText(f, src)
	return f, nil
}

// syntaxError turns a participle error into an ErrorList entry.
func syntaxError(name string, err error) error {
	var perr participle.Error
	if errors.As(err, &perr) {
		var list ErrorList
		list.Add(perr.Position(), friendlySyntaxMessage(perr.Message()))
		return list.Err()
	}
	return err
}

// friendlySyntaxMessage rewrites participle's wording into ours.
func friendlySyntaxMessage(msg string) string {
	msg = strings.ReplaceAll(msg, "unexpected token", "unexpected")
	return msg
}

// fillGoText sets Text of every GoCode node to the source it spans.
func fillGoText(f *File, src []byte) {
	walkGoCode(f, func(g *GoCode) {
		start, end := -1, -1
		for _, t := range g.Tokens {
			if t.Type == tdfLexer.Symbols()["Whitespace"] || t.Type == tdfLexer.Symbols()["Comment"] {
				continue
			}
			if start < 0 {
				start = t.Pos.Offset
			}
			end = t.Pos.Offset + len(t.Value)
		}
		if start >= 0 && end <= len(src) {
			g.Text = string(src[start:end])
		}
		g.Tokens = nil
		g.Parts = nil
	})
}

// walkGoCode calls fn for every GoCode node in f.
func walkGoCode(f *File, fn func(*GoCode)) {
	for _, d := range f.Decls {
		if d.Dataflow == nil {
			continue
		}
		for _, s := range d.Dataflow.Stmts {
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
}
