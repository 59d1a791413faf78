package lang

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// Token types of tdfLexer, by rule name.
var (
	tokComment      = tdfLexer.Symbols()["Comment"]
	tokWhitespace   = tdfLexer.Symbols()["Whitespace"]
	tokRawString    = tdfLexer.Symbols()["RawString"]
	tokString       = tdfLexer.Symbols()["String"]
	tokChar         = tdfLexer.Symbols()["Char"]
	tokFloat        = tdfLexer.Symbols()["Float"]
	tokInt          = tdfLexer.Symbols()["Int"]
	tokIdent        = tdfLexer.Symbols()["Ident"]
	tokPunct        = tdfLexer.Symbols()["Punct"]
	tokBadComment   = tdfLexer.Symbols()["BadComment"]
	tokBadRawString = tdfLexer.Symbols()["BadRawString"]
	tokBadString    = tdfLexer.Symbols()["BadString"]
	tokBadChar      = tdfLexer.Symbols()["BadChar"]
	tokInvalid      = tdfLexer.Symbols()["Invalid"]
)

// tokenStream is a lexed file: its significant tokens (no whitespace or
// comments) ending with an EOF token, the comments, and for every bracket
// the index of its partner.
type tokenStream struct {
	toks     []lexer.Token
	comments []lexer.Token
	// match[i] is the index of the bracket that closes or opens toks[i],
	// or -1 when toks[i] is not a bracket.
	match []int
}

// scan lexes src and matches its brackets. It reports every malformed
// token (the lexer never stops early: tdfLexer has rules for them); when
// there are none, it reports the first unbalanced bracket.
func scan(name string, src []byte) (*tokenStream, ErrorList) {
	lex, err := tdfLexer.LexString(name, string(src))
	if err != nil {
		return nil, ErrorList{{Pos: Pos{Filename: name, Line: 1, Column: 1}, Msg: err.Error()}}
	}
	ts := &tokenStream{}
	var errs ErrorList
	for {
		t, err := lex.Next()
		if err != nil { // cannot happen: the Invalid rule matches anything
			errs.Add(t.Pos, err.Error())
			return nil, errs
		}
		switch t.Type {
		case tokWhitespace:
			continue
		case tokComment:
			ts.comments = append(ts.comments, t)
			continue
		case tokBadComment, tokBadRawString, tokBadString, tokBadChar, tokInvalid:
			addSyntaxError(&errs, t.Pos, badTokenMessage(t))
			continue
		}
		ts.toks = append(ts.toks, t)
		if t.EOF() {
			break
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if e := ts.matchBrackets(); e != nil {
		return nil, ErrorList{e}
	}
	return ts, nil
}

// addSyntaxError appends an error to errs unless one was already reported
// on its line (the first error on a line is usually the real one) or the
// list is full, which it notes with a last "too many errors". It reports
// whether there is room for more.
func addSyntaxError(errs *ErrorList, pos Pos, msg string) bool {
	l := *errs
	switch {
	case len(l) > maxSyntaxErrors:
		return false
	case len(l) > 0 && l[len(l)-1].Pos.Line == pos.Line:
		return true
	case len(l) == maxSyntaxErrors:
		errs.Add(pos, "too many errors")
		return false
	}
	errs.Add(pos, msg)
	return true
}

// badTokenMessage explains a token matched by one of the lexer's rules for
// malformed input.
func badTokenMessage(t lexer.Token) string {
	switch t.Type {
	case tokBadComment:
		return "comment not terminated"
	case tokBadRawString:
		return "raw string literal not terminated"
	case tokBadString:
		return "string literal not terminated"
	case tokBadChar:
		if t.Value == "''" {
			return "empty rune literal"
		}
		return "rune literal not terminated"
	}
	r, size := utf8.DecodeRuneInString(t.Value)
	switch {
	case r == utf8.RuneError && size <= 1:
		return "invalid UTF-8 encoding"
	case r == '\uFEFF':
		return "invalid byte order mark (only allowed at the start of the file)"
	case r == '#':
		return "invalid character '#' (comments start with //)"
	case unicode.IsPrint(r):
		return fmt.Sprintf("invalid character %q", r)
	default:
		return fmt.Sprintf("invalid character %U", r)
	}
}

// maxNesting bounds how deeply brackets nest, which bounds the depth of
// recursion while parsing.
const maxNesting = 1000

// openToClose maps each opening bracket to its closing one.
var openToClose = map[string]string{"(": ")", "[": "]", "{": "}"}

// closeToOpen maps each closing bracket to its opening one.
var closeToOpen = map[string]string{")": "(", "]": "[", "}": "{"}

// isPunctTok reports whether t is the punctuation v.
func isPunctTok(t lexer.Token, v string) bool {
	return t.Type == tokPunct && t.Value == v
}

// matchBrackets fills ts.match, or returns the first bracket that does
// not balance.
func (ts *tokenStream) matchBrackets() *Error {
	ts.match = make([]int, len(ts.toks))
	var stack []int
	for i, t := range ts.toks {
		ts.match[i] = -1
		if t.EOF() {
			if len(stack) > 0 {
				open := stack[len(stack)-1]
				return &Error{Pos: t.Pos, Msg: fmt.Sprintf("unexpected end of file; expected %q to close %s",
					openToClose[ts.toks[open].Value], ts.describeOpen(open))}
			}
			break
		}
		if t.Type != tokPunct {
			continue
		}
		if _, ok := openToClose[t.Value]; ok {
			if len(stack) == maxNesting {
				return &Error{Pos: t.Pos, Msg: fmt.Sprintf("brackets nested too deeply (more than %d levels)", maxNesting)}
			}
			stack = append(stack, i)
			continue
		}
		want, ok := closeToOpen[t.Value]
		if !ok {
			continue
		}
		if len(stack) == 0 || !ts.stackHas(stack, want) {
			return &Error{Pos: t.Pos, Msg: fmt.Sprintf("unexpected %q with no matching %q", t.Value, want)}
		}
		open := stack[len(stack)-1]
		if ts.toks[open].Value != want {
			return &Error{Pos: t.Pos, Msg: fmt.Sprintf("unexpected %q; expected %q to close %s",
				t.Value, openToClose[ts.toks[open].Value], ts.describeOpen(open))}
		}
		stack = stack[:len(stack)-1]
		ts.match[open], ts.match[i] = i, open
	}
	return nil
}

// stackHas reports whether some bracket on the stack is open.
func (ts *tokenStream) stackHas(stack []int, open string) bool {
	for _, i := range stack {
		if ts.toks[i].Value == open {
			return true
		}
	}
	return false
}

// describeOpen names the construct that the bracket toks[i] opens, for
// messages about a missing closing bracket.
func (ts *tokenStream) describeOpen(i int) string {
	t := ts.toks[i]
	at := func(k int) lexer.Token {
		if k < 0 {
			return lexer.Token{}
		}
		return ts.toks[k]
	}
	switch {
	case t.Value == "{" && at(i-1).Type == tokIdent && at(i-2).Value == "dataflow":
		return "dataflow " + at(i-1).Value
	case t.Value == "{" && at(i-1).Value == "struct" && at(i-2).Type == tokIdent && at(i-3).Value == "type":
		return "type " + at(i-2).Value
	case t.Value == "(" && at(i-1).Value == "import":
		return "import list"
	}
	return fmt.Sprintf("%q at %d:%d", t.Value, t.Pos.Line, t.Pos.Column)
}

// tokenEnd is the position just past t.
func tokenEnd(t lexer.Token) Pos {
	p := t.Pos
	p.Advance(t.Value)
	return p
}

// tokenEndLine is the line on which t ends.
func tokenEndLine(t lexer.Token) int {
	return t.Pos.Line + strings.Count(t.Value, "\n")
}
