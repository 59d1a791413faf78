package lang

import "fmt"

// startsLoop reports whether toks[i] begins a loop statement: loop or
// iterate followed, on the same line, by the loop variable and ":=".
func (r *recognizer) startsLoop(i int) bool {
	t := r.at(i)
	if t.Type != tokIdent || (t.Value != "loop" && t.Value != "iterate") {
		return false
	}
	v := r.at(i + 1)
	return v.Type == tokIdent && v.Pos.Line == t.Pos.Line
}

// loopStmt checks loop var := seed [max N] { statements }, the current
// token being loop or iterate, inside the group whose "}" is toks[end].
func (r *recognizer) loopStmt(end int) bool {
	kind := r.cur().Value
	r.next()
	name := r.cur().Value
	r.next()
	if !r.is(":=") {
		r.unexpected(fmt.Sprintf(`":=" after %s %s (%s var := seed { ... })`, kind, name, kind))
		return false
	}
	r.next()
	if !r.sameLine("the stream that starts the " + kind) {
		return false
	}
	if !r.isIdent() {
		r.unexpected(fmt.Sprintf("stream name after %s %s := (the records of round 0)", kind, name))
		return false
	}
	r.next()
	if r.is("max") {
		r.next()
		if t := r.cur(); t.Type != tokInt && t.Type != tokIdent || r.onNewLine() {
			r.unexpected(`round limit after "max" (an integer or a param)`)
			return false
		}
		r.next()
	}
	if !r.is("{") {
		r.unexpected(fmt.Sprintf(`"{" to start the body of %s %s, or "max"`, kind, name))
		return false
	}
	body := r.ts.match[r.pos]
	r.next()
	for r.pos < body && !r.stop {
		if start := r.pos; !r.stmt(body) {
			r.syncLine(start, body)
		}
	}
	r.pos = body + 1
	return r.endOfItem(end, fmt.Sprintf("after the body of %s %s", kind, name))
}

// operatorDecl checks operator name(in T, ...) [Out] { state {...} on
// name(params) {...} ... }.
func (r *recognizer) operatorDecl() bool {
	r.next()
	if !r.isIdent() {
		r.unexpected("operator name")
		return false
	}
	name := r.cur().Value
	r.next()
	if !r.is("(") {
		r.unexpected(fmt.Sprintf(`"(" and the inputs of operator %s, like (in T)`, name))
		return false
	}
	close := r.ts.match[r.pos]
	r.next()
	if r.pos == close {
		r.unexpected(fmt.Sprintf("input of operator %s (name and type; an operator has one or two inputs)", name))
		return false
	}
	for r.pos < close {
		if !r.isIdent() {
			r.unexpected("input name")
			return false
		}
		in := r.cur().Value
		r.next()
		if r.is(",") || r.pos == close {
			r.unexpected(fmt.Sprintf("type of input %s (each input has its own type)", in))
			return false
		}
		if !r.typeExpr("type of input " + in) {
			return false
		}
		if r.pos == close {
			break
		}
		if !r.is(",") {
			r.unexpected(`"," or ")" after input ` + in)
			return false
		}
		r.next()
	}
	r.pos = close + 1
	if !r.is("{") {
		if !r.typeExpr(fmt.Sprintf(`output type of operator %s or "{"`, name)) {
			return false
		}
	}
	if !r.is("{") {
		r.unexpected(fmt.Sprintf(`"{" to start the body of operator %s`, name))
		return false
	}
	end := r.ts.match[r.pos]
	r.next()
	for r.pos < end && !r.stop {
		if start := r.pos; !r.operatorItem(end) {
			r.syncLine(start, end)
		}
	}
	r.pos = end + 1
	return true
}

// operatorItem checks one item of an operator's body: state { fields }
// or on name(params) { statements }.
func (r *recognizer) operatorItem(end int) bool {
	switch {
	case r.is("state"):
		r.next()
		if !r.is("{") {
			r.unexpected(`"{" and the state's fields after state`)
			return false
		}
		if !r.goBlock() {
			return false
		}
		return r.endOfItem(end, "after the state")
	case r.is("on"):
		r.next()
		if !r.isIdent() {
			r.unexpected(`input name or "notify" after on`)
			return false
		}
		what := r.cur().Value
		r.next()
		if !r.is("(") {
			r.unexpected(fmt.Sprintf(`"(" and parameter names after on %s, like (t, data)`, what))
			return false
		}
		close := r.ts.match[r.pos]
		if r.identList(r.pos, close) == nil {
			r.unexpectedAt(r.pos+1, "parameter names separated by commas")
			return false
		}
		r.pos = close + 1
		if !r.is("{") {
			r.unexpected(fmt.Sprintf(`"{" and the Go statements of on %s`, what))
			return false
		}
		if !r.goBlock() {
			return false
		}
		return r.endOfItem(end, "after the handler")
	}
	hint := ""
	if r.isIdent() {
		hint = didYouMean(r.cur().Value, []string{"state", "on"})
	}
	r.unexpected(`"state" or "on" in the body of an operator` + hint)
	return false
}

// goBlock checks the Go block that starts at the current "{" and moves
// past it.
func (r *recognizer) goBlock() bool {
	close := r.ts.match[r.pos]
	ok := r.goCode(r.pos+1, close)
	r.pos = close + 1
	return ok
}
