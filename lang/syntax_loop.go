package lang

import (
	"fmt"
	"strings"
)

// loopKeywords are the words that start a loop statement.
var loopKeywords = []string{"loop", "iterate"}

// startsLoop reports whether toks[i] begins a loop statement: loop or
// iterate followed, on the same line, by the loop variable, or by ":=" and
// a seed that the loop's "max" or "{" follows (a loop whose variable is
// missing).
func (r *recognizer) startsLoop(i int) bool {
	t := r.at(i)
	if t.Type != tokIdent || (t.Value != "loop" && t.Value != "iterate") {
		return false
	}
	v := r.at(i + 1)
	if v.Pos.Line != t.Pos.Line {
		return false
	}
	if v.Type == tokIdent {
		return true
	}
	seed, after := r.at(i+2), r.at(i+3)
	return isPunctTok(v, ":=") && seed.Type == tokIdent && after.Pos.Line == t.Pos.Line &&
		(isPunctTok(after, "{") || after.Type == tokIdent && after.Value == "max")
}

// misspelledLoop reports whether toks[i] is a misspelling of loop or
// iterate that begins a loop header: word var := on one line.
func (r *recognizer) misspelledLoop(i int) bool {
	t, v, a := r.at(i), r.at(i+1), r.at(i+2)
	return t.Type == tokIdent && v.Type == tokIdent && isPunctTok(a, ":=") &&
		v.Pos.Line == t.Pos.Line && a.Pos.Line == t.Pos.Line &&
		suggest(t.Value, loopKeywords) != "" && t.Value != "loop" && t.Value != "iterate"
}

// loopStmt checks loop var := seed [max N] { statements }, the current
// token being loop or iterate (or a misspelling of one, which it
// reports), inside the group whose "}" is toks[end]. When the header has
// a mistake it still checks the body, if the "{" that starts it is on
// the line of the mistake.
func (r *recognizer) loopStmt(end int) bool {
	kind := r.cur().Value
	if kind != "loop" && kind != "iterate" {
		kind = suggest(kind, loopKeywords)
		r.unexpected(fmt.Sprintf("%q or %q to start a loop%s", "loop", "iterate", didYouMean(r.cur().Value, loopKeywords)))
	}
	name, ok := r.loopHeader(kind)
	if !ok {
		brace := -1
		line := r.cur().Pos.Line
		for i := r.pos; i < end && r.at(i).Pos.Line == line; i++ {
			if isPunctTok(r.at(i), "{") {
				brace = i
				break
			}
			if m := r.ts.match[i]; m > i {
				i = m // past a group in parentheses or brackets
			}
		}
		if brace < 0 {
			return false
		}
		r.pos = brace
	}
	body := r.ts.match[r.pos]
	r.next()
	for r.pos < body && !r.stop {
		if start := r.pos; !r.stmt(body) {
			r.syncLine(start, body)
		}
	}
	r.pos = body + 1
	what := "after the body of the " + kind
	if name != "" {
		what = fmt.Sprintf("after the body of %s %s", kind, name)
	}
	if r.is("->") && r.pos != end && !r.onNewLine() {
		r.unexpected(fmt.Sprintf(`";", newline or "}" %s (to use the result of a %s in a pipeline, bind it: name := %s ...)`, what, kind, kind))
		return false
	}
	return r.endOfItem(end, what) && ok
}

// loopHeader checks var := seed [max N] up to the "{" of the body, the
// current token being the loop keyword. It returns the loop variable's
// name when it got that far.
func (r *recognizer) loopHeader(kind string) (string, bool) {
	r.next()
	usage := fmt.Sprintf("(%s var := seed { ... })", kind)
	if r.is(":=") {
		r.unexpected(fmt.Sprintf("loop variable name after %s %s", kind, usage))
		return "", false
	}
	name := r.cur().Value
	r.next()
	if !r.is(":=") {
		r.unexpected(fmt.Sprintf(`":=" after %s %s %s`, kind, name, usage))
		return name, false
	}
	r.next()
	seedWhat := fmt.Sprintf("stream name after %s %s := (the records of round 0)", kind, name)
	if r.onNewLine() {
		// Report the line break, and read on as if it were not there.
		r.sameLine(seedWhat)
		if !r.isIdent() {
			return name, false
		}
	}
	if !r.isIdent() || r.is("max") {
		r.unexpected(seedWhat)
		return name, false
	}
	seed := r.cur().Value
	r.next()
	hasMax := r.is("max")
	if hasMax {
		r.next()
		if !r.bound() {
			return name, false
		}
	}
	if r.is("{") {
		return name, true
	}
	r.unexpected(fmt.Sprintf(`"{" to start the body of %s %s%s`, kind, name, r.afterHeaderHint(kind, seed, hasMax)))
	return name, false
}

// bound checks the round limit after "max".
func (r *recognizer) bound() bool {
	const what = `round limit after "max" (an integer or a param)`
	if r.onNewLine() {
		r.sameLine(what)
		return false
	}
	t := r.cur()
	switch {
	case t.Type == tokInt || t.Type == tokIdent:
		r.next()
		return true
	case r.is("-") && r.at(r.pos+1).Type == tokInt:
		r.unexpected(`round limit after "max" (an integer of at least 1, or a param)`)
		return false
	}
	r.unexpected(what)
	return false
}

// afterHeaderHint explains what may stand where the "{" of a loop's body
// is missing, after the seed or the round limit.
func (r *recognizer) afterHeaderHint(kind, seed string, hasMax bool) string {
	t := r.cur()
	if hasMax {
		if t.Type == tokPunct && strings.Contains("+-*/%().[", t.Value) {
			return " (the round limit is an integer or a param, not an expression)"
		}
		return ""
	}
	switch {
	case t.Type == tokInt:
		return `, or "max" before the round limit`
	case t.Type == tokIdent && didYouMean(t.Value, []string{"max"}) != "":
		return `, or "max"` + didYouMean(t.Value, []string{"max"})
	case r.is("("):
		return fmt.Sprintf(`, or "max" (the seed is a stream name: bind %s(...) to a name before the %s)`, seed, kind)
	case r.is("->"):
		return fmt.Sprintf(`, or "max" (the seed is a stream name: bind the pipeline to a name before the %s)`, kind)
	}
	return `, or "max"`
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
	if !r.operatorInputs(name) {
		return false
	}
	if !r.is("{") {
		hint := ""
		if r.is("->") || r.is(":") || r.is("=>") {
			hint = fmt.Sprintf(" (the output type follows the inputs: operator %s(in T) Out)", name)
		}
		if !r.typeExpr(fmt.Sprintf(`output type of operator %s or "{"%s`, name, hint)) {
			return false
		}
		if r.is(",") {
			r.unexpected(fmt.Sprintf(`"{" to start the body of operator %s (an output of several values is a tuple, like (A, B))`, name))
			return false
		}
	}
	if !r.openBrace(fmt.Sprintf(`"{" to start the body of operator %s`, name)) {
		return false
	}
	end := r.ts.match[r.pos]
	r.next()
	items := &operatorItems{}
	for r.pos < end && !r.stop {
		if start := r.pos; !r.operatorItem(end, items) {
			r.syncLine(start, end)
		}
	}
	r.pos = end + 1
	return true
}

// operatorInputs checks the inputs (in T, other U) of operator name, the
// current token being the "(".
func (r *recognizer) operatorInputs(name string) bool {
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
		switch {
		case r.is(",") || r.pos == close:
			r.unexpected(fmt.Sprintf("type of input %s (each input has its own type)", in))
			return false
		case r.is(":"):
			r.unexpected(fmt.Sprintf(`type of input %s (the type follows the name, without ":")`, in))
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
		if r.pos == close {
			r.unexpected(`input name after ","`)
			return false
		}
	}
	r.pos = close + 1
	return true
}

// openBrace checks that the current token is a "{"; when it is not, it
// reports what was expected, at the end of the previous line when the
// current token starts a new one.
func (r *recognizer) openBrace(expected string) bool {
	if r.is("{") {
		return true
	}
	if r.onNewLine() && !r.cur().EOF() {
		r.sameLine(expected)
		return false
	}
	r.unexpected(expected)
	return false
}

// operatorItems is what the items of an operator's body seen so far
// declare: where the state is, and whether a handler came.
type operatorItems struct {
	state    *Pos
	handlers bool
}

// operatorItem checks one item of an operator's body: state { fields }
// or on name(params) { statements }.
func (r *recognizer) operatorItem(end int, items *operatorItems) bool {
	switch {
	case r.is("state"):
		switch {
		case items.state != nil:
			r.unexpected(fmt.Sprintf(`"on" or "}" (an operator has one state; the first is at %s)`, shortPos(*items.state)))
			return false
		case items.handlers:
			r.unexpected(`"on" or "}" (the state comes before the handlers)`)
			return false
		}
		pos := r.cur().Pos
		items.state = &pos
		r.next()
		if !r.openBrace(`"{" and the state's fields after state`) {
			return false
		}
		if !r.goBlock() {
			return false
		}
		return r.endOfItem(end, "after the state")
	case r.is("on"):
		items.handlers = true
		r.next()
		if !r.isIdent() {
			r.unexpected(`input name or "notify" after on`)
			return false
		}
		what := r.cur().Value
		r.next()
		if !r.is("(") {
			r.unexpected(fmt.Sprintf(`"(" and parameter names after on %s, like %s`, what, handlerUsage(what)))
			return false
		}
		close := r.ts.match[r.pos]
		if !r.handlerParams(r.pos, close, what) {
			return false
		}
		r.pos = close + 1
		if !r.openBrace(fmt.Sprintf(`"{" and the Go statements of on %s`, what)) {
			return false
		}
		if !r.goBlock() {
			return false
		}
		return r.endOfItem(end, "after the handler on "+what)
	}
	hint := ""
	if r.isIdent() {
		hint = didYouMean(r.cur().Value, []string{"state", "on"})
	}
	r.unexpected(`"state" or "on" in the body of an operator` + hint)
	return false
}

// handlerUsage is how the handler on what is written.
func handlerUsage(what string) string {
	if what == "notify" {
		return "(t)"
	}
	return "(t, data)"
}

// handlerParams checks the parameters ( name, ... ) of the handler on
// what, from toks[s] to toks[c]: names without types.
func (r *recognizer) handlerParams(s, c int, what string) bool {
	if s+1 == c {
		r.unexpectedAt(c, fmt.Sprintf("parameter names: on %s%s", what, handlerUsage(what)))
		return false
	}
	for i := s + 1; ; i++ {
		if r.at(i).Type != tokIdent {
			r.unexpectedAt(i, fmt.Sprintf("parameter name: on %s%s", what, handlerUsage(what)))
			return false
		}
		i++
		if i == c {
			return true
		}
		if !isPunctTok(r.at(i), ",") {
			expected := fmt.Sprintf(`"," or ")" after parameter %s`, r.at(i-1).Value)
			if t := r.at(i); t.Type == tokIdent || isPunctTok(t, "[") || isPunctTok(t, "*") {
				expected += " (parameter types are implied)"
			}
			r.unexpectedAt(i, expected)
			return false
		}
		if i+1 == c {
			r.unexpectedAt(c, `parameter name after ","`)
			return false
		}
	}
}

// goBlock checks the Go block that starts at the current "{" and moves
// past it.
func (r *recognizer) goBlock() bool {
	close := r.ts.match[r.pos]
	ok := r.goCode(r.pos+1, close)
	r.pos = close + 1
	return ok
}
