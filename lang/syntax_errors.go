package lang

import (
	"fmt"

	"github.com/alecthomas/participle/v2/lexer"
)

// maxSyntaxErrors bounds the errors reported for one file; past it the
// recognizer stops, as later errors are mostly consequences of earlier
// ones.
const maxSyntaxErrors = 10

// declKeywords are the words that start a top-level declaration, for
// suggestions when one is misspelled.
var declKeywords = []string{"type", "param", "operator", "dataflow", "import"}

// arrowLikeTokens are the tokens people write between pipeline stages when
// they mean "->".
var arrowLikeTokens = map[string]bool{
	"=>": true, ">": true, "-": true, "--": true, "=": true, "==": true, ">=": true,
	">>": true, "|": true, "||": true, "~": true, "<-": true, ":": true,
}

// goKeywordSet are Go's keywords. An argument that starts with one is Go
// code, never lambda parameters.
var goKeywordSet = map[string]bool{
	"break": true, "case": true, "chan": true, "const": true, "continue": true,
	"default": true, "defer": true, "else": true, "fallthrough": true, "for": true,
	"func": true, "go": true, "goto": true, "if": true, "import": true,
	"interface": true, "map": true, "package": true, "range": true, "return": true,
	"select": true, "struct": true, "switch": true, "type": true, "var": true,
}

// unsupportedTypes are Go's composite type keywords, which records,
// params and inputs cannot use.
var unsupportedTypes = map[string]bool{"map": true, "chan": true, "func": true, "interface": true}

// describeToken names a token for an error message: a quoted word or symbol,
// "end of file", or the kind of a literal with its (shortened) text.
func describeToken(t lexer.Token) string {
	switch t.Type {
	case lexer.EOF:
		return "end of file"
	case tokString, tokRawString:
		return "string " + shortenLiteral(t.Value)
	case tokInt, tokFloat:
		return "number " + shortenLiteral(t.Value)
	case tokChar:
		return "rune literal " + shortenLiteral(t.Value)
	}
	return fmt.Sprintf("%q", t.Value)
}

// shortenLiteral cuts long literal text for messages, and quotes it when it
// spans lines.
func shortenLiteral(s string) string {
	const max = 24
	if r := []rune(s); len(r) > max {
		s = string(r[:max-3]) + "..."
	}
	for _, c := range s {
		if c == '\n' || c == '\r' || c == '\t' {
			return fmt.Sprintf("%q", s)
		}
	}
	return s
}

// isLiteralTok reports whether t is a string, number or rune literal.
func isLiteralTok(t lexer.Token) bool {
	switch t.Type {
	case tokString, tokRawString, tokInt, tokFloat, tokChar:
		return true
	}
	return false
}

// errorAt records a syntax error at pos, at most one a line and
// maxSyntaxErrors in all.
func (r *recognizer) errorAt(pos Pos, format string, args ...any) {
	if !addSyntaxError(&r.errs, pos, fmt.Sprintf(format, args...)) {
		r.stop = true
	}
}

// unexpectedAt reports toks[i] as unexpected where what was expected.
func (r *recognizer) unexpectedAt(i int, expected string) {
	t := r.at(i)
	r.errorAt(t.Pos, "unexpected %s; expected %s", describeToken(t), expected)
}

// unexpected reports the current token as unexpected where what was
// expected.
func (r *recognizer) unexpected(expected string) {
	r.unexpectedAt(r.pos, expected)
}

// sameLine reports whether the current token is on the line where the
// previous one ends. If it is not, it reports that what was expected
// there is missing: at the end of the previous token ("unexpected
// newline"), or at the end of the file.
func (r *recognizer) sameLine(expected string) bool {
	if !r.onNewLine() {
		return true
	}
	if r.cur().EOF() {
		r.unexpected(expected)
	} else {
		r.errorAt(tokenEnd(r.at(r.pos-1)), "unexpected newline; expected %s", expected)
	}
	return false
}

// didYouMean returns ` (did you mean "x"?)` when word is close to one of
// candidates, and "" otherwise.
func didYouMean(word string, candidates []string) string {
	if s := suggest(word, candidates); s != "" && s != word {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}
