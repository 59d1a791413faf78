package lang

import (
	"go/types"
	"strings"
)

// A pipeline goes on being checked after a stage fails, so that one run
// reports every mistake that does not follow from the first. When the
// failed stage's element type does not depend on what failed (lines and
// range produce strings and integers whatever their arguments, read and
// csv records of their type argument; filter, exchange and the other
// stages that pass their records on produce their input's type; a custom
// operator its declared output), a stand-in of that type takes its place
// and the later stages are checked as usual. Otherwise the later stages'
// lambdas are checked for their Go syntax and the names they use, which
// are wrong whatever the records are.

// readType returns the record type of a read or csv call whose other
// arguments failed, or nil when the type is not one it can read. The
// type's own errors were reported by the first check.
func (c *checker) readType(call *Call) types.Type {
	if call.Args == nil || len(call.Args.Args) < 2 || call.Args.Args[1].Expr == nil {
		return nil
	}
	saved := c.s.errs
	var scratch ErrorList
	c.s.errs = &scratch
	t := c.s.checkType(call.Args.Args[1].Expr)
	c.s.errs = saved
	if t == nil || len(scratch) > 0 || c.unreadable(t) != "" {
		return nil
	}
	return t
}

// passOps are the operators whose records are their input's, whatever
// their arguments.
var passOps = map[string]bool{
	"filter": true, "inspect": true, "exchange": true, "broadcast": true,
	"distinct": true, "delay": true, "enter": true, "probe": true,
	"concat": true,
}

// standInSource returns a stand-in for a source call that failed to
// check, or nil when its element type is not known.
func (c *checker) standInSource(sc *scope, call *Call) *Node {
	var t types.Type
	switch call.Name.Name {
	case "lines", "stdin":
		t = types.Typ[types.String]
	case "range":
		t = types.Typ[types.Int64]
	case "read", "csv":
		t = c.readType(call)
	}
	if t == nil {
		return nil
	}
	if _, known := sc.stream(call.Name.Name); known || call.Args == nil && call.Name.Name != "stdin" {
		return nil // a stream of that name, or a source without arguments
	}
	return &Node{Op: call.Name.Name, Pos: call.Pos, Out: t}
}

// standIn returns a stand-in for the stage call applied to in that
// failed to check, or nil when its element type is not known.
func (c *checker) standIn(in *Node, call *Call) *Node {
	name := call.Name.Name
	var t types.Type
	switch {
	case c.customOps[name] != nil:
		t = c.customOps[name].Out
	case passOps[name] && Ops[name] != nil:
		t = in.Out
	}
	if t == nil {
		return nil
	}
	return &Node{Op: name, Pos: call.Pos, Inputs: []*Node{in}, Out: t}
}

// uncheckedLambdas checks the lambdas of a stage whose input type is not
// known for what is wrong whatever the records are: Go syntax errors and
// undefined names (unknown packages, functions and params). Its
// parameters have type any, and every other complaint, which may come
// from that, is dropped.
func (c *checker) uncheckedLambdas(call *Call) {
	if call.Args == nil {
		return
	}
	anyType := types.Universe.Lookup("any").Type()
	for _, a := range call.Args.Args {
		if a.Lambda == nil {
			continue
		}
		paramTypes := make([]types.Type, len(a.Lambda.Params))
		for i := range paramTypes {
			paramTypes[i] = anyType
		}
		saved := c.s.errs
		var scratch ErrorList
		c.s.errs = &scratch
		c.typedLambda(a.Lambda, anyType, paramTypes, len(paramTypes) > 1, true)
		c.s.errs = saved
		for _, e := range scratch {
			if strings.HasPrefix(e.Msg, "undefined: ") || c.s.syntaxErrs[e] {
				c.errs = append(c.errs, e)
			}
		}
	}
}
