package lang

import (
	"go/types"
	"strconv"
	"strings"
)

// operator checks one "-> op(args)" applied to the stream of in.
func (c *checker) operator(sc *scope, in *Node, call *Call) *Node {
	name := call.Name.Name
	if op := c.customOps[name]; op != nil {
		return c.custom(sc, in, call, op)
	} else if c.declaredOps[name] {
		return nil // its declaration failed to check
	}
	spec, ok := Ops[name]
	if !ok {
		c.knownOperator(call)
		return nil
	}
	if spec.Kind == SourceOp {
		c.errs.Addf(call.Pos, "%s is a source; it can only start a pipeline", name)
		return nil
	}
	var args []*Arg
	if call.Args != nil {
		args = call.Args.Args
	}
	n := &Node{Op: name, Pos: call.Pos, Inputs: []*Node{in}, Out: in.Out}
	switch spec.Lambda {
	case NeedsLambda, OptionalLambda:
		if len(args) == 0 && spec.Lambda == OptionalLambda {
			break
		}
		if name == "reduce" && len(args) == 2 && args[1].Expr != nil && strings.TrimSpace(args[1].Expr.Text) == "associative" {
			// The user says the lambda is associative (and commutative):
			// partial results may be combined before routing.
			n.Associative = true
			args = args[:1]
		}
		if len(args) != 1 || args[0].Lambda == nil {
			note := ""
			if len(args) == 1 && args[0].Expr != nil && strings.HasPrefix(strings.TrimSpace(args[0].Expr.Text), "func") {
				note = " (a lambda is params => Go expression or block, not a Go func literal)"
			}
			c.errs.Addf(call.Pos, "%s takes one lambda: %s%s", name, spec.Usage, note)
			return nil
		}
		var l *LambdaInfo
		if name == "reduce" {
			l = c.reduceLambda(call, args[0].Lambda, in.Out)
		} else {
			l = c.lambda(args[0].Lambda, in.Out, name == "inspect")
		}
		if l == nil {
			return nil
		}
		n.Lambda = l
		if !c.lambdaFits(n, args[0].Lambda) {
			return nil
		}
	default:
		switch name {
		case "concat":
			return c.concat(sc, n, call, args)
		case "output", "probe", "capture":
			return c.output(sc, n, call, args)
		case "join":
			return c.join(sc, n, call, args)
		case "top_k":
			return c.topK(sc, n, call, args, spec)
		case "write":
			n.Args = c.goArgs(call, []types.Type{types.Typ[types.String]}, spec)
			if n.Args == nil {
				return nil
			}
			n.Out = nil
			return sc.add(n)
		}
		if !c.aggregateWords(sc, n, args, spec) {
			return nil
		}
	}
	switch name {
	case "count":
		if !types.Comparable(in.Out) {
			c.errs.Addf(call.Pos, "count needs comparable records, but %s is not comparable; map each record to a comparable value first (a number, string or struct of those)", c.typeName(in.Out))
			return nil
		}
		tup, err := c.s.tupleOf([]types.Type{in.Out, types.Typ[types.Int64]})
		if err != nil {
			c.errs.Addf(call.Pos, "%v", err)
			return nil
		}
		n.Out = tup
	case "distinct":
		if !types.Comparable(in.Out) {
			c.errs.Addf(call.Pos, "distinct needs comparable records, but %s is not comparable; map each record to a comparable value first (a number, string or struct of those)", c.typeName(in.Out))
			return nil
		}
	case "sum", "min", "max":
		if !c.keyedValues(call, name, in.Out) {
			return nil
		}
	case "print":
		n.Out = nil
	case "next", "leave":
		return c.loopSink(sc, n, call)
	case "enter":
		if sc.loop == nil {
			c.errs.Addf(call.Pos, "enter is for the body of a loop or iterate: it gives a stream from outside the loop to the body in round 0 only")
			return nil
		}
		if in.Depth() >= sc.loop.Depth {
			c.errs.Addf(call.Pos, "enter reads a stream from outside the %s, but this one is computed in its body", sc.loop.Kind)
			return nil
		}
	}
	if key, ok := keyedOps[name]; ok {
		if !c.keyRoutable(call.Pos, name, key, in.Out) {
			return nil
		}
		if s := spread(in); (combineOps[name] || n.Associative) && !n.NoCombine && s != key && s != spreadEverywhere {
			in = c.combiner(sc, n, in)
			key = spreadByKey
		}
		n.Inputs[0] = c.spreadFor(sc, in, call.Pos, key)
	}
	return sc.add(n)
}

// combineOps are the aggregations whose partial results per key can be
// combined: a worker pre-aggregates what it holds of each key before
// the records are routed to the key's owner.
var combineOps = map[string]bool{"count": true, "sum": true, "min": true, "max": true}

// combiner adds, for aggregation n over the stream of in, the operator
// that pre-aggregates on the sending worker (Op "combine", Name the
// aggregation) and returns it. Its output is (key, partial) tuples: for
// count (record, partial count), which n then adds up (n.Combined).
func (c *checker) combiner(sc *scope, n *Node, in *Node) *Node {
	out := in.Out
	if n.Op == "count" {
		tup, err := c.s.tupleOf([]types.Type{in.Out, types.Typ[types.Int64]})
		if err != nil {
			return in
		}
		out = tup
		n.Combined = true
	}
	// A reduce's combiner calls the same lambda.
	return sc.add(&Node{Op: "combine", Pos: n.Pos, Inputs: []*Node{in}, Out: out, Name: n.Op, Lambda: n.Lambda})
}

// aggregateWords checks the words an aggregation may take: across (in a
// loop body: keep state across rounds) and nocombine (send every record
// to the key's owner, without pre-aggregating).
func (c *checker) aggregateWords(sc *scope, n *Node, args []*Arg, spec *OpSpec) bool {
	usage := spec.Usage
	if acrossOps[n.Op] {
		usage += " or, in a loop, " + n.Op + "(across)"
	}
	if combineOps[n.Op] {
		usage += "; " + n.Op + "(nocombine) sends every record unaggregated"
	}
	for _, a := range args {
		word := ""
		if a.Expr != nil {
			word = strings.TrimSpace(a.Expr.Text)
		}
		switch {
		case word == "across" && acrossOps[n.Op] && !n.Across:
			if sc.loop == nil {
				c.errs.Addf(a.Pos, "%s(across) keeps its state across the rounds of a loop; outside loops write %s()", n.Op, n.Op)
				return false
			}
			n.Across = true
		case word == "nocombine" && combineOps[n.Op] && !n.NoCombine:
			n.NoCombine = true
		default:
			c.errs.Addf(a.Pos, "%s takes no arguments: %s", n.Op, usage)
			return false
		}
	}
	return true
}

// acrossOps are the aggregations that can keep their state across the
// rounds of a loop: name(across).
var acrossOps = map[string]bool{"count": true, "distinct": true, "sum": true, "min": true, "max": true}

// keyedOps are the operators that need the records of one key on one
// worker, with the key they route by: the record itself or the first
// field of (key, value) tuples. The checker routes their input by that
// key (see spreadFor); top_k and join do the same in their own checks.
var keyedOps = map[string]string{
	"count": spreadByRecord, "distinct": spreadByRecord,
	"sum": spreadByKey, "min": spreadByKey, "max": spreadByKey, "reduce": spreadByKey,
}

// keyedValues checks that records of type t are (key, value) tuples fit
// for operator name: a comparable key, a number to sum, or a value with
// an order for min and max.
func (c *checker) keyedValues(call *Call, name string, t types.Type) bool {
	fields := c.keyedTuple(call, name, t)
	if fields == nil {
		return false
	}
	b, ok := fields[1].Underlying().(*types.Basic)
	want := types.IsInteger | types.IsFloat
	what := "a number"
	if name != "sum" {
		want |= types.IsString
		what = "a number or a string"
	}
	if !ok || b.Info()&want == 0 {
		c.errs.Addf(call.Pos, "%s needs %s as the value, not %s", name, what, c.typeName(fields[1]))
		return false
	}
	return true
}

// keyedTuple returns the key and value types of t, which operator name
// needs to be (key, value) tuples with a comparable key, or nil.
func (c *checker) keyedTuple(call *Call, name string, t types.Type) []types.Type {
	fields := TupleFields(t)
	if len(fields) != 2 {
		c.errs.Addf(call.Pos, "%s needs (key, value) tuples, not %s; map to a tuple first", name, c.typeName(t))
		return nil
	}
	if !types.Comparable(fields[0]) {
		c.errs.Addf(call.Pos, "%s needs a comparable key, but %s is not comparable", name, c.typeName(fields[0]))
		return nil
	}
	return fields
}

// reduceLambda checks the lambda of reduce over (key, value) tuples: it
// takes two values and returns their combination, of the value's type.
func (c *checker) reduceLambda(call *Call, l *Lambda, in types.Type) *LambdaInfo {
	fields := c.keyedTuple(call, "reduce", in)
	if fields == nil {
		return nil
	}
	if len(l.Params) != 2 {
		c.errs.Addf(l.Pos, "reduce's lambda takes two values: reduce((a, b) => v)")
		return nil
	}
	li := c.typedLambda(l, fields[1], []types.Type{fields[1], fields[1]}, false, false)
	if li == nil {
		return nil
	}
	if li.Result == nil || !types.Identical(li.Result, fields[1]) {
		got := "no value"
		if li.Result != nil {
			got = c.typeName(li.Result)
		}
		c.errs.Addf(l.Body.Pos, "reduce's lambda must produce %s, the type of the values, not %s", c.typeName(fields[1]), got)
		return nil
	}
	return li
}

// lambdaFits checks the lambda's result against what the operator needs
// and sets the node's output type.
func (c *checker) lambdaFits(n *Node, l *Lambda) bool {
	li := n.Lambda
	pos := l.Body.Pos
	needValue := func() bool {
		if li.Result == nil {
			c.errs.Addf(pos, "%s lambda must produce a value", n.Op)
			return false
		}
		return true
	}
	switch n.Op {
	case "map":
		if !needValue() {
			return false
		}
		n.Out = li.Result
	case "delay":
		if !needValue() {
			return false
		}
		if b, ok := li.Result.Underlying().(*types.Basic); !ok || b.Info()&types.IsInteger == 0 {
			c.errs.Addf(pos, "delay lambda must produce an epoch, an integer, not %s; convert it, like uint64(...)", c.typeName(li.Result))
			return false
		}
	case "filter", "branch":
		if !needValue() {
			return false
		}
		if b, ok := li.Result.Underlying().(*types.Basic); !ok || b.Kind() != types.Bool {
			c.errs.Addf(pos, "%s lambda must produce a bool, not %s; write a condition, like %s", n.Op, c.typeName(li.Result), conditionFor(l, li.Result))
			return false
		}
	case "partition":
		if !needValue() {
			return false
		}
		if b, ok := li.Result.Underlying().(*types.Basic); !ok || b.Info()&types.IsInteger == 0 {
			c.errs.Addf(pos, "partition lambda must produce the number of a part, an integer, not %s", c.typeName(li.Result))
			return false
		}
	case "flat_map":
		if !needValue() {
			return false
		}
		elem := FlatMapElem(li.Result)
		if elem == nil {
			c.errs.Addf(pos, "flat_map lambda must produce a slice or an iter.Seq, not %s; for one record each, use map, or return []%s{...}", c.typeName(li.Result), c.typeName(types.Default(li.Result)))
			return false
		}
		n.Out = elem
	case "exchange":
		if !needValue() {
			return false
		}
		if li.Fallible {
			c.errs.Addf(pos, "exchange key lambda cannot return an error")
			return false
		}
		if why := unhashable(li.Result); why != "" {
			c.errs.Addf(pos, "exchange key %s cannot be hashed: %s", c.typeName(li.Result), why)
			return false
		}
	case "print":
		if !needValue() {
			return false
		}
		if b, ok := li.Result.Underlying().(*types.Basic); !ok || b.Info()&types.IsString == 0 {
			c.errs.Addf(pos, "print lambda must produce a string, not %s; format it with fmt.Sprint(...), or write print() for the default format", c.typeName(li.Result))
			return false
		}
	}
	return true
}

// FlatMapElem returns the element type of the records a flat_map lambda
// producing t gives: E for a slice type []E, and for an iterator, a
// function type func(yield func(E) bool) such as iter.Seq[E] (the
// strings package's FieldsSeq and SplitSeq, slices.Values). It returns
// nil for any other type.
func FlatMapElem(t types.Type) types.Type {
	if s, ok := t.Underlying().(*types.Slice); ok {
		return s.Elem()
	}
	return SeqElem(t)
}

// SeqElem returns E when t's underlying type is func(yield func(E) bool),
// the type of iter.Seq[E], and nil otherwise.
func SeqElem(t types.Type) types.Type {
	seq, ok := t.Underlying().(*types.Signature)
	if !ok || seq.Params().Len() != 1 || seq.Results().Len() != 0 || seq.Variadic() {
		return nil
	}
	yield, ok := seq.Params().At(0).Type().Underlying().(*types.Signature)
	if !ok || yield.Params().Len() != 1 || yield.Results().Len() != 1 || yield.Variadic() {
		return nil
	}
	if b, ok := yield.Results().At(0).Type().Underlying().(*types.Basic); !ok || b.Kind() != types.Bool {
		return nil
	}
	return yield.Params().At(0).Type()
}

// unhashable says why exchange cannot hash keys of type t, or "".
func unhashable(t types.Type) string {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		if u.Info()&(types.IsInteger|types.IsString|types.IsBoolean|types.IsFloat) != 0 {
			return ""
		}
		return u.Name() + " is not a supported key type"
	case *types.Slice:
		if b, ok := u.Elem().Underlying().(*types.Basic); ok && b.Kind() == types.Byte {
			return ""
		}
		return "slices other than []byte are not supported as keys"
	case *types.Array:
		return unhashable(u.Elem())
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if why := unhashable(u.Field(i).Type()); why != "" {
				return "field " + u.Field(i).Name() + ": " + why
			}
		}
		return ""
	}
	switch t.Underlying().(type) {
	case *types.Map:
		return "maps cannot be keys"
	case *types.Pointer:
		return "pointers cannot be keys"
	case *types.Interface:
		return "interfaces cannot be keys"
	}
	return "only numbers, strings, booleans, []byte, and arrays and structs of them can be keys"
}

// concat checks -> concat(a, b, ...): named streams of the same type.
func (c *checker) concat(sc *scope, n *Node, call *Call, args []*Arg) *Node {
	if len(args) == 0 {
		c.errs.Addf(call.Pos, "concat needs at least one stream to merge: concat(stream, ...)")
		return nil
	}
	for _, a := range args {
		name := ""
		if a.Expr != nil {
			name = strings.TrimSpace(a.Expr.Text)
		}
		other, ok := sc.stream(name)
		if !ok && sc.isFailed(name) {
			return nil
		}
		if !ok {
			c.errs.Addf(a.Pos, "concat argument must be a stream name, not %q%s", name, suggestion(name, sc.names()))
			return nil
		}
		if !types.Identical(other.Out, n.Out) {
			c.errs.Addf(a.Pos, "cannot concat stream %s of %s with a stream of %s", name, c.typeName(other.Out), c.typeName(n.Out))
			return nil
		}
		n.Inputs = append(n.Inputs, other)
	}
	return sc.add(n)
}

// join checks -> join(other): both streams of (key, value) tuples with
// identical, comparable keys. The node reads both streams through
// exchanges by key, which it adds, so records of one key meet on one
// worker.
func (c *checker) join(sc *scope, n *Node, call *Call, args []*Arg) *Node {
	if len(args) != 1 || args[0].Expr == nil {
		c.errs.Addf(call.Pos, "join takes the stream to join with: join(stream)")
		return nil
	}
	name := strings.TrimSpace(args[0].Expr.Text)
	other, ok := sc.stream(name)
	if !ok {
		if !sc.isFailed(name) {
			c.errs.Addf(args[0].Pos, "join argument must be a stream name, not %q%s", name, suggestion(name, sc.names()))
		}
		return nil
	}
	left, right := n.Inputs[0], other
	lf, rf := TupleFields(left.Out), TupleFields(right.Out)
	if len(lf) != 2 || len(rf) != 2 {
		c.errs.Addf(call.Pos, "join needs (key, value) tuples on both sides, not %s and %s", c.typeName(left.Out), c.typeName(right.Out))
		return nil
	}
	if !types.Identical(lf[0], rf[0]) {
		c.errs.Addf(call.Pos, "join needs keys of one type, not %s and %s", c.typeName(lf[0]), c.typeName(rf[0]))
		return nil
	}
	if why := unhashable(lf[0]); why != "" || !types.Comparable(lf[0]) {
		c.errs.Addf(call.Pos, "join key %s cannot be hashed and compared", c.typeName(lf[0]))
		return nil
	}
	tup, err := c.s.tupleOf([]types.Type{lf[0], lf[1], rf[1]})
	if err != nil {
		c.errs.Addf(call.Pos, "%v", err)
		return nil
	}
	// A stream that every worker holds whole (a broadcast) needs no
	// routing, and then neither does the other side: each worker pairs
	// its own share of it with all of the broadcast one.
	if spread(left) != spreadEverywhere && spread(right) != spreadEverywhere {
		left = c.spreadFor(sc, left, call.Pos, spreadByKey)
		right = c.spreadFor(sc, right, args[0].Pos, spreadByKey)
	}
	n.Inputs = []*Node{left, right}
	n.Out = tup
	sc.add(n)
	// Inside a loop, a side from outside it is the whole collection of
	// its epoch in every round (see Node.Arranged).
	switch {
	case left.Depth() < n.Depth():
		n.Arranged = left
	case right.Depth() < n.Depth():
		n.Arranged = right
	}
	return n
}

// implicitExchange adds an exchange of in's records by the key that Go
// expression body, of type key, computes from a record r, as if written
// -> exchange(r => body) at pos.
func (c *checker) implicitExchange(sc *scope, in *Node, pos Pos, body string, key types.Type) *Node {
	l := &LambdaInfo{
		Pos: pos, Params: []string{"r"}, ParamTypes: []types.Type{in.Out},
		In: in.Out, Body: body, Result: key,
	}
	return sc.add(&Node{Op: "exchange", Pos: pos, Inputs: []*Node{in}, Out: in.Out, Lambda: l, Implied: true})
}

// output checks -> output(name) and -> probe(name), whose names the
// host sees.
func (c *checker) output(sc *scope, n *Node, call *Call, args []*Arg) *Node {
	if len(args) != 1 || args[0].Expr == nil || !isIdent(strings.TrimSpace(args[0].Expr.Text)) {
		c.errs.Addf(call.Pos, "%s takes the %s's name: %s(name)", n.Op, n.Op, n.Op)
		return nil
	}
	name := strings.TrimSpace(args[0].Expr.Text)
	if prev, ok := sc.outputs[name]; ok {
		c.errs.Addf(args[0].Pos, "%s %s redeclared; the first is at %s", n.Op, name, shortPos(prev))
		return nil
	}
	sc.outputs[name] = args[0].Pos
	n.Name = name
	if n.Op != "probe" {
		n.Out = nil
	}
	return sc.add(n)
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || i > 0 && '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// typeName spells t for messages: the .tdf's own types unqualified,
// others by package name.
func (c *checker) typeName(t types.Type) string {
	if fields := TupleFields(t); fields != nil {
		var parts []string
		for _, f := range fields {
			parts = append(parts, c.typeName(f))
		}
		return "(" + strings.Join(parts, ", ") + ")"
	}
	return types.TypeString(t, func(p *types.Package) string {
		if p == c.s.pkg {
			return ""
		}
		return p.Name()
	})
}

// topK checks -> top_k(k) over (key, value) tuples with ordered values,
// and -> top_k(k, v => score) over (key, value) tuples whose values are
// ranked by the lambda's score (a number or a string) and hashable, for
// the rule that breaks ties. A constant k must be at least 1.
func (c *checker) topK(sc *scope, n *Node, call *Call, args []*Arg, spec *OpSpec) *Node {
	in := n.Inputs[0]
	if len(args) == 2 && args[1].Lambda != nil {
		fields := c.keyedTuple(call, "top_k", in.Out)
		if fields == nil {
			return nil
		}
		if why := unhashable(fields[1]); why != "" {
			c.errs.Addf(call.Pos, "top_k with a score breaks ties by the hash of the values, but %s cannot be hashed: %s", c.typeName(fields[1]), why)
			return nil
		}
		l := c.lambda(args[1].Lambda, fields[1], false)
		if l == nil {
			return nil
		}
		b, ok := types.Type(nil), false
		if l.Result != nil {
			b = l.Result.Underlying()
			bb, isBasic := b.(*types.Basic)
			ok = isBasic && bb.Info()&(types.IsInteger|types.IsFloat|types.IsString) != 0
		}
		if !ok || l.Fallible {
			got := "no value"
			if l.Result != nil {
				got = c.typeName(l.Result)
			}
			c.errs.Addf(args[1].Lambda.Body.Pos, "top_k's score lambda must produce a number or a string, not %s", got)
			return nil
		}
		n.Lambda = l
		args = args[:1]
	} else if !c.keyedValues(call, "top_k", in.Out) {
		return nil
	}
	if len(args) != 1 || args[0].Expr == nil {
		c.errs.Addf(call.Pos, "top_k takes how many to keep and optionally a score lambda: top_k(k) or top_k(k, v => score)")
		return nil
	}
	if k, err := strconv.ParseInt(strings.TrimSpace(args[0].Expr.Text), 0, 64); err == nil && k < 1 {
		c.errs.Addf(args[0].Pos, "top_k keeps the k greatest values of each key; k must be at least 1, not %d", k)
		return nil
	}
	n.Args = c.goArgs(&Call{Pos: call.Pos, Name: call.Name, Args: &ArgList{Pos: call.Args.Pos, Args: args}}, []types.Type{anyInteger}, spec)
	if n.Args == nil || !c.keyRoutable(call.Pos, "top_k", spreadByKey, in.Out) {
		return nil
	}
	n.Inputs[0] = c.spreadFor(sc, in, call.Pos, spreadByKey)
	return sc.add(n)
}

// conditionFor returns a condition on the lambda's value of type t, for
// a message about a lambda that must produce a bool.
func conditionFor(l *Lambda, t types.Type) string {
	v := strings.TrimSpace(l.Body.Text)
	if len(v) > 20 || strings.ContainsAny(v, "{\n") {
		v = "v"
	}
	if b, ok := t.Underlying().(*types.Basic); ok {
		switch {
		case b.Info()&types.IsNumeric != 0:
			return v + " != 0"
		case b.Info()&types.IsString != 0:
			return v + ` != ""`
		}
	}
	return v + " != nil"
}
