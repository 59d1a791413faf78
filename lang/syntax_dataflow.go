package lang

import (
	"fmt"
	"strings"
)

// dataflow checks dataflow Name { statements }.
func (r *recognizer) dataflow() bool {
	r.next()
	if !r.isIdent() {
		r.unexpected("dataflow name")
		return false
	}
	name := r.cur().Value
	r.next()
	if !r.is("{") {
		r.unexpected(fmt.Sprintf("%q after dataflow %s", "{", name))
		return false
	}
	end := r.ts.match[r.pos]
	r.next()
	for r.pos < end && !r.stop {
		if start := r.pos; !r.stmt(end) {
			r.syncLine(start, end)
		}
	}
	r.pos = end + 1
	return true
}

// stmt checks one statement of the dataflow whose "}" is toks[end].
func (r *recognizer) stmt(end int) bool {
	t := r.cur()
	switch {
	case t.Type == tokPunct && arrowLikeTokens[t.Value]:
		r.unexpected(`"->" between pipeline stages`)
		return false
	case t.Type != tokIdent:
		r.unexpected("input declaration or pipeline")
		return false
	case t.Value == "input" && r.at(r.pos+1).Type == tokIdent && r.at(r.pos+1).Pos.Line == t.Pos.Line:
		return r.inputDecl(end)
	case r.startsLoop(r.pos) || r.misspelledLoop(r.pos):
		return r.loopStmt(end)
	case isPunctTok(r.at(r.pos+1), ":=") && (r.startsLoop(r.pos+2) || r.misspelledLoop(r.pos+2)):
		r.pos += 2
		return r.loopStmt(end)
	case t.Value == "operator" && r.at(r.pos+1).Type == tokIdent && r.at(r.pos+1).Pos.Line == t.Pos.Line:
		r.unexpected("input declaration or pipeline (operators are declared at the top level, outside dataflows)")
		return false
	}
	return r.pipeline(end)
}

// inputDecl checks input name Type.
func (r *recognizer) inputDecl(end int) bool {
	r.next()
	name := r.cur().Value
	r.next()
	what := "type of input " + name
	if !r.sameLine(what) {
		return true
	}
	if !r.typeExpr(what) {
		return false
	}
	return r.endOfItem(end, "after input "+name)
}

// bindList returns the index of the ":=" that ends a list of names
// (a, b, c :=) starting at the current token, on one line, or -1.
func (r *recognizer) bindList() int {
	i := r.pos
	for r.at(i).Type == tokIdent && isPunctTok(r.at(i+1), ",") && r.at(i+2).Pos.Line == r.at(i).Pos.Line {
		i += 2
	}
	if i > r.pos && r.at(i).Type == tokIdent && isPunctTok(r.at(i+1), ":=") {
		return i + 1
	}
	return -1
}

// pipeline checks [name, ... :=] call -> call ...
func (r *recognizer) pipeline(end int) bool {
	bind := isPunctTok(r.at(r.pos+1), ":=")
	if list := r.bindList(); list > 0 {
		bind = true
		r.pos = list - 1
	}
	if bind {
		r.pos += 2
		if !r.isIdent() {
			r.unexpected(`stream or source after ":="`)
			return false
		}
	}
	head := r.cur()
	ok, args := r.call()
	if !ok {
		return false
	}
	stages := 1
	for r.is("->") {
		r.next()
		if !r.isIdent() {
			r.unexpected(`operator after "->"`)
			return false
		}
		if ok, _ := r.call(); !ok {
			return false
		}
		stages++
	}
	if r.is(";") {
		r.next()
		return true
	}
	if r.pos == end || r.onNewLine() {
		return true
	}
	t := r.cur()
	bare := stages == 1 && !bind && !args // a lone name
	switch {
	case bare && (r.is("=") || r.is(":")):
		r.unexpected(`":=" to bind a stream`)
	case bare && t.Type == tokIdent && didYouMean(head.Value, []string{"input"}) != "":
		r.errorAt(head.Pos, "unexpected %s; expected input declaration or pipeline%s",
			describeToken(head), didYouMean(head.Value, []string{"input"}))
	case t.Type == tokPunct && arrowLikeTokens[t.Value]:
		r.unexpected(`"->" between pipeline stages`)
	default:
		r.unexpected(`"->" or end of statement`)
	}
	return false
}

// call checks name or name(args); args reports whether there was an
// argument list.
func (r *recognizer) call() (ok, args bool) {
	r.next()
	if !r.is("(") {
		return true, false
	}
	return r.argList(), true
}

// argList checks ( arg, arg, ... ), an optional comma after the last.
func (r *recognizer) argList() bool {
	end := r.ts.match[r.pos]
	r.next()
	ok := true
	for r.pos < end {
		e := r.argEnd(end)
		if e == r.pos {
			r.unexpected("argument")
			ok = false
		} else if !r.arg(r.pos, e) {
			ok = false
		}
		r.pos = e
		if r.pos < end {
			r.next() // the comma
		}
	}
	r.pos = end + 1
	return ok
}

// argEnd returns the index of the "," or ")" that ends the argument at
// the current token, inside the list whose ")" is toks[end].
func (r *recognizer) argEnd(end int) int {
	i := r.pos
	for i < end && !isPunctTok(r.at(i), ",") {
		if m := r.ts.match[i]; m > i {
			i = m + 1
		} else {
			i++
		}
	}
	return i
}

// arg checks the argument toks[s:e]: a lambda or Go code.
func (r *recognizer) arg(s, e int) bool {
	t := r.at(s)
	if t.Type == tokIdent && s+1 < e && isPunctTok(r.at(s+1), "=>") {
		return r.lambdaBody(s+2, e)
	}
	if isPunctTok(t, "(") {
		c := r.ts.match[s]
		if c+1 < e && isPunctTok(r.at(c+1), "=>") {
			return r.lambdaParams(s, c) && r.lambdaBody(c+2, e)
		}
	}
	return r.goArg(s, e)
}

// lambdaParams checks ( name, name, ... ) from toks[s] to toks[c].
func (r *recognizer) lambdaParams(s, c int) bool {
	for i := s + 1; ; i++ {
		if r.at(i).Type != tokIdent {
			r.unexpectedAt(i, "lambda parameter name")
			return false
		}
		i++
		if i == c {
			return true
		}
		if !isPunctTok(r.at(i), ",") {
			expected := fmt.Sprintf(`"," or ")" after lambda parameter %s`, r.at(i-1).Value)
			if r.at(i).Type == tokIdent {
				expected += " (parameter types are inferred)"
			}
			r.unexpectedAt(i, expected)
			return false
		}
	}
}

// lambdaBody checks the body toks[s:e] of a lambda: a Go expression, or a
// Go block in braces with nothing after it.
func (r *recognizer) lambdaBody(s, e int) bool {
	if s == e {
		r.unexpectedAt(s, `lambda body after "=>"`)
		return false
	}
	if c := r.ts.match[s]; isPunctTok(r.at(s), "{") && c+1 < e {
		r.unexpectedAt(c+1, `"," or ")" after the block body of a lambda`)
		return false
	}
	return r.goCode(s, e)
}

// goArg checks an argument toks[s:e] that is not a lambda. It catches
// lambdas whose "=>" is missing or mistyped before checking the Go code.
func (r *recognizer) goArg(s, e int) bool {
	t := r.at(s)
	if t.Type == tokIdent && !goKeywordSet[t.Value] && s+1 < e {
		u := r.at(s + 1)
		switch {
		case isPunctTok(u, "->"):
			r.errorAt(u.Pos, `unexpected "->" in argument (did you mean "=>"?)`)
			return false
		case u.Type == tokIdent || isLiteralTok(u):
			r.unexpectedAt(s+1, fmt.Sprintf(`"=>" after lambda parameter %s`, t.Value))
			return false
		}
	}
	if isPunctTok(t, "(") {
		c := r.ts.match[s]
		if names := r.identList(s, c); len(names) >= 2 {
			if len(names) > 4 {
				names = append(names[:3], "...")
			}
			r.unexpectedAt(min(c+1, e), fmt.Sprintf(`"=>" after lambda parameters (%s)`, strings.Join(names, ", ")))
			return false
		}
	}
	for i := s; i < e; i++ {
		if isPunctTok(r.at(i), "=>") {
			r.errorAt(r.at(i).Pos, `unexpected "=>"; lambda parameters are a name or names in parentheses`)
			return false
		}
		if m := r.ts.match[i]; m > i {
			i = m
		}
	}
	return r.goCode(s, e)
}

// identList returns the names in toks[s:c+1] when it is ( name, name, ... ).
func (r *recognizer) identList(s, c int) []string {
	var names []string
	for i := s + 1; i < c; i += 2 {
		if r.at(i).Type != tokIdent || (i+1 < c && !isPunctTok(r.at(i+1), ",")) {
			return nil
		}
		names = append(names, r.at(i).Value)
	}
	return names
}

// goCode checks embedded Go, toks[s:e]. Its syntax is Go's, checked later;
// here it only must not contain the .tdf arrows, which are not Go.
func (r *recognizer) goCode(s, e int) bool {
	for i := s; i < e; i++ {
		switch t := r.at(i); {
		case isPunctTok(t, "->"):
			r.errorAt(t.Pos, `unexpected "->" in Go code`)
			return false
		case isPunctTok(t, "=>"):
			r.errorAt(t.Pos, `unexpected "=>" in Go code (lambdas cannot be nested; use a Go func literal)`)
			return false
		}
	}
	return true
}
