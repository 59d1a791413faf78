package lang

import (
	"fmt"
	"strings"
)

// typeExpr checks a type: Name, pkg.Name, []T, [N]T or (T1, T2, ...).
// what names the expected type for messages.
func (r *recognizer) typeExpr(what string) bool {
	t := r.cur()
	switch {
	case r.is("("):
		return r.tupleType()
	case r.is("["):
		end := r.ts.match[r.pos]
		r.next()
		if r.pos != end {
			if r.cur().Type != tokInt {
				r.unexpected(`array length (an integer) or "]"`)
				r.pos = end + 1
				return false
			}
			r.next()
			if r.pos != end {
				r.unexpected(`"]"`)
				r.pos = end + 1
				return false
			}
		}
		r.pos = end + 1
		return r.typeExpr("element type")
	case t.Type == tokIdent && unsupportedTypes[t.Value] && r.startsType(r.pos+1):
		r.unexpected(fmt.Sprintf("%s (%s types are not supported)", what, t.Value))
		return false
	case r.is("*"):
		r.unexpected(what + " (pointer types are not supported)")
		return false
	case t.Type == tokIdent:
		r.next()
		if r.is(".") {
			r.next()
			what := fmt.Sprintf("type name after %q", t.Value+".")
			if !r.sameLine(what) {
				return false
			}
			if !r.isIdent() {
				r.unexpected(what)
				return false
			}
			r.next()
		}
		return true
	}
	r.unexpected(what)
	return false
}

// startsType reports whether toks[i] may continue a type on the line of
// the token before it: the key or element type of map[K]V or chan T,
// the parameters of func(), the methods of interface{}.
func (r *recognizer) startsType(i int) bool {
	if r.onNewLineAt(i) {
		return false
	}
	t := r.at(i)
	return t.Type == tokIdent || t.Type == tokPunct && strings.Contains("[{(*", t.Value)
}

// tupleType checks (T1, T2, ...), which has at least two elements.
func (r *recognizer) tupleType() bool {
	end := r.ts.match[r.pos]
	r.next()
	for n := 1; ; n++ {
		if !r.typeExpr("tuple element type") {
			r.pos = end + 1
			return false
		}
		if r.pos == end && n == 1 {
			r.unexpected(`"," and a second element type: a tuple has at least two elements`)
			r.pos = end + 1
			return false
		}
		if r.pos == end {
			r.pos = end + 1
			return true
		}
		if !r.is(",") {
			r.unexpected(`"," or ")" in tuple type`)
			r.pos = end + 1
			return false
		}
		r.next()
	}
}
