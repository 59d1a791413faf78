package lang

import (
	"fmt"

	"github.com/alecthomas/participle/v2/lexer"
)

// The recognizer checks a scanned file against the grammar before the
// participle parser builds the AST, and explains every mistake it finds
// in words: what was expected, in which construct, and the likely fix.
// It accepts a subset of what the grammar in ast.go accepts (FuzzParse
// checks that the parser accepts everything the recognizer does), being
// stricter in a few places where Go is, so that mistakes surface where
// they are made:
//
//   - statements on one line need a ";" between them, and so do fields;
//   - the type of a field, param or input starts on the line of its name,
//     and an aliased import's path on the line of its alias;
//   - "-" in a param default only precedes a number;
//   - embedded Go may not contain "->" or "=>", which are not Go; an
//     argument that begins like lambda parameters (x y, or (a, b) y) must
//     have its "=>".
//
// It reports errors at most one a line, recovering at the next
// statement, field or declaration.

// recognizer walks a token stream; pos is the index of the current token.
type recognizer struct {
	ts   *tokenStream
	pos  int
	errs ErrorList
	stop bool // too many errors
}

// recognize checks ts and returns its syntax errors.
func recognize(ts *tokenStream) ErrorList {
	r := &recognizer{ts: ts}
	r.file()
	return r.errs
}

// at returns toks[i], or the final EOF token past the end.
func (r *recognizer) at(i int) lexer.Token {
	if i < 0 {
		return lexer.Token{}
	}
	if i >= len(r.ts.toks) {
		return r.ts.toks[len(r.ts.toks)-1]
	}
	return r.ts.toks[i]
}

// cur is the current token.
func (r *recognizer) cur() lexer.Token { return r.at(r.pos) }

// next moves to the next token, staying on EOF.
func (r *recognizer) next() {
	if !r.cur().EOF() {
		r.pos++
	}
}

// is reports whether the current token is the keyword or symbol v.
func (r *recognizer) is(v string) bool {
	t := r.cur()
	return t.Value == v && (t.Type == tokIdent || t.Type == tokPunct)
}

// isIdent reports whether the current token is an identifier.
func (r *recognizer) isIdent() bool { return r.cur().Type == tokIdent }

// onNewLine reports whether the current token starts after the line on
// which the previous token ends.
func (r *recognizer) onNewLine() bool { return r.onNewLineAt(r.pos) }

// onNewLineAt reports whether toks[i] starts after the line on which the
// token before it ends.
func (r *recognizer) onNewLineAt(i int) bool {
	return i == 0 || r.at(i).Pos.Line > tokenEndLine(r.at(i-1))
}

// skip moves past the current token, or past the whole bracketed group it
// opens.
func (r *recognizer) skip() {
	if m := r.ts.match[r.pos]; m > r.pos {
		r.pos = m + 1
		return
	}
	r.next()
}

// syncDecl skips to the next top-level declaration: a declaration keyword
// at the start of a line.
func (r *recognizer) syncDecl() {
	for !r.cur().EOF() {
		r.skip()
		if r.onNewLine() && (r.is("type") || r.is("param") || r.is("operator") || r.is("dataflow") || r.is("import")) {
			return
		}
	}
}

// syncLine skips to the next statement or field inside a group whose
// closing bracket is toks[end]: past a ";", or to a line that does not
// continue a pipeline. start is where the failed item began; if the
// recognizer already left its line, it is where the next one begins.
func (r *recognizer) syncLine(start, end int) {
	if r.pos > start && r.onNewLine() && !r.is("->") {
		return
	}
	for r.pos < end {
		if r.is(";") {
			r.next()
			return
		}
		r.skip()
		if r.onNewLine() && !r.is("->") {
			return
		}
	}
}

// file checks: package clause, imports, declarations.
func (r *recognizer) file() {
	if r.is("package") {
		r.next()
		if r.sameLine("package name") {
			if r.isIdent() {
				r.next()
			} else {
				r.unexpected("package name")
				r.syncDecl()
			}
		}
	} else {
		t := r.cur()
		hint := ""
		if t.Type == tokIdent {
			hint = didYouMean(t.Value, []string{"package"})
		}
		r.errorAt(t.Pos, `expected "package" clause at start of file%s`, hint)
		if hint != "" { // a misspelled package clause
			r.next()
			if r.isIdent() && !r.onNewLine() {
				r.next()
			}
		}
	}
	for r.is("import") && !r.stop {
		r.importDecl()
	}
	for !r.cur().EOF() && !r.stop {
		if !r.decl() {
			r.syncDecl()
		}
	}
}

// decl checks one top-level declaration. It reports false when it stopped
// at an error that needs recovery.
func (r *recognizer) decl() bool {
	switch {
	case r.is("type"):
		return r.typeDecl()
	case r.is("param"):
		return r.paramDecl()
	case r.is("dataflow"):
		return r.dataflow()
	case r.is("operator"):
		return r.operatorDecl()
	case r.is("import"):
		r.errorAt(r.cur().Pos, `unexpected "import"; imports must come before all declarations`)
		r.importDecl()
		return true
	}
	t := r.cur()
	hint := ""
	if t.Type == tokIdent {
		hint = didYouMean(t.Value, declKeywords)
	}
	r.unexpected("type, param, operator or dataflow declaration" + hint)
	return false
}

// importDecl checks import spec, or import ( spec... ).
func (r *recognizer) importDecl() {
	r.next()
	if r.is("(") {
		end := r.ts.match[r.pos]
		r.next()
		for r.pos < end && !r.stop {
			if start := r.pos; !r.importSpec() {
				r.syncLine(start, end)
			}
		}
		r.pos = end + 1
		return
	}
	if r.sameLine("import path") && !r.importSpec() {
		r.syncDecl()
	}
}

// importSpec checks [name] "path".
func (r *recognizer) importSpec() bool {
	t := r.cur()
	switch {
	case t.Type == tokString:
		r.next()
		return true
	case t.Type == tokIdent:
		if p := r.at(r.pos + 1); p.Type == tokString && p.Pos.Line == t.Pos.Line {
			r.pos += 2
			return true
		}
		r.errorAt(t.Pos, "unexpected %s; expected import path as a quoted string, like %q", describeToken(t), t.Value)
		return false
	}
	r.unexpected(`import path (a quoted string)`)
	return false
}

// typeDecl checks type Name struct { fields }.
func (r *recognizer) typeDecl() bool {
	r.next()
	if !r.isIdent() || r.is("struct") && isPunctTok(r.at(r.pos+1), "{") {
		r.unexpected("type name")
		return false
	}
	name := r.cur().Value
	r.next()
	if !r.is("struct") {
		hint := ""
		if r.isIdent() {
			hint = didYouMean(r.cur().Value, []string{"struct"})
			if hint == "" {
				hint = ": only record types can be declared"
			}
		}
		r.unexpected(fmt.Sprintf("%q after type %s%s", "struct", name, hint))
		return false
	}
	r.next()
	if !r.is("{") {
		r.unexpected(`"{" after struct`)
		return false
	}
	end := r.ts.match[r.pos]
	r.next()
	for r.pos < end && !r.stop {
		if start := r.pos; !r.field(end) {
			r.syncLine(start, end)
		}
	}
	r.pos = end + 1
	return true
}

// field checks Name Type inside the struct whose "}" is toks[end].
func (r *recognizer) field(end int) bool {
	if !r.isIdent() {
		r.unexpected("field name")
		return false
	}
	name := r.cur().Value
	r.next()
	what := "type of field " + name
	if !r.sameLine(what) {
		return true
	}
	if r.is(",") {
		r.unexpected(what + " (declare each field with its own type)")
		return false
	}
	if !r.typeExpr(what) {
		return false
	}
	return r.endOfItem(end, "after field "+name)
}

// endOfItem checks what follows a field or statement inside the group
// whose closing bracket is toks[end]: ";", a new line, or the bracket.
func (r *recognizer) endOfItem(end int, after string) bool {
	if r.is(";") {
		r.next()
		return true
	}
	if r.pos == end || r.onNewLine() {
		return true
	}
	r.unexpected(`";", newline or "}" ` + after)
	return false
}

// paramDecl checks param name Type [= literal].
func (r *recognizer) paramDecl() bool {
	r.next()
	if !r.isIdent() {
		r.unexpected("param name")
		return false
	}
	name := r.cur().Value
	r.next()
	what := "type of param " + name
	if !r.sameLine(what) {
		return true
	}
	if !r.typeExpr(what) {
		return false
	}
	if r.is("=") {
		r.next()
		if !r.literal("default value of param " + name) {
			return false
		}
		return r.paramModifier(name)
	}
	if !r.onNewLine() && (isLiteralTok(r.cur()) || r.is("-") || r.is("true") || r.is("false")) {
		r.unexpected(fmt.Sprintf("%q before the default value of param %s", "=", name))
		return false
	}
	return r.paramModifier(name)
}

// paramModifier checks the (per process) that may end a param
// declaration on its line.
func (r *recognizer) paramModifier(name string) bool {
	if r.onNewLine() || !r.is("(") {
		return true
	}
	r.next()
	for _, word := range []string{"per", "process"} {
		if !r.is(word) {
			r.unexpected(fmt.Sprintf(`"(per process)" after param %s, or nothing`, name))
			return false
		}
		r.next()
	}
	if !r.is(")") {
		r.unexpected(fmt.Sprintf(`")" after "(per process" of param %s`, name))
		return false
	}
	r.next()
	return true
}

// literal checks a param default: a string, a possibly negative number,
// true or false.
func (r *recognizer) literal(what string) bool {
	if r.is("-") {
		r.next()
		if t := r.cur().Type; t == tokInt || t == tokFloat {
			r.next()
			return true
		}
		r.unexpected(`number after "-"`)
		return false
	}
	switch t := r.cur(); {
	case t.Type == tokString, t.Type == tokRawString, t.Type == tokInt, t.Type == tokFloat,
		r.is("true"), r.is("false"):
		r.next()
		return true
	}
	r.unexpected(what + " (a string, number, true or false)")
	return false
}
