package lang

import "go/types"

// Program is a checked .tdf file: every stream has an element type and
// every lambda has its parameter and result types. It is what the planner
// consumes.
type Program struct {
	File    *File
	Package string
	// Pkg is the Go package the records and tuples were checked in;
	// named types whose package is Pkg are the .tdf's own.
	Pkg       *types.Package
	Imports   []*GoImport
	Records   []*Record
	Params    []*Param
	Operators []*OperatorDef
	Dataflows []*DataflowDef
	// HostFiles are the Go files of the package the program is generated
	// into, which lambdas may use; checked with the program.
	HostFiles []string
}

// GoImport is an imported Go package.
type GoImport struct {
	Pos  Pos
	Name string // the name the .tdf uses for it
	Path string
	Used bool // referenced by some embedded Go code
}

// Record is a record type declared in the .tdf file.
type Record struct {
	Pos    Pos
	Name   string
	Type   *types.Named
	Fields []*RecordField
}

// RecordField is a field of a record type.
type RecordField struct {
	Pos  Pos
	Name string
	Type types.Type
}

// Param is a run-time parameter: a flag of generated binaries and a field
// of generated configuration structs.
type Param struct {
	Pos     Pos
	Name    string     // as written in the .tdf
	Type    types.Type // a basic type: bool, string, an integer or a float
	Default string     // a Go literal of Type; the zero value when absent
	// PerProcess says the value may differ between the processes of a
	// computation (declared with "(per process)").
	PerProcess bool
}

// DataflowDef is a checked dataflow: its operators in source order, each
// after the nodes it reads from.
type DataflowDef struct {
	Pos   Pos
	Name  string
	Nodes []*Node
}

// Node is one operator application: a source, an element-wise operator, a
// routing or combining operator, or a sink.
type Node struct {
	ID     int    // index in DataflowDef.Nodes
	Op     string // operator name as in the operator table, e.g. "flat_map"
	Pos    Pos
	Inputs []*Node     // upstream nodes, in argument order; none for sources
	Out    types.Type  // element type of the output stream; nil for sinks
	Lambda *LambdaInfo // the operator's function argument, if any
	Args   []*GoArg    // plain Go arguments (e.g. lines(path), range(lo, hi))
	Name   string      // the name of an input or output
	// Loop is the loop whose rounds the times of the node's records
	// carry; nil outside loops. It is the innermost loop whose body holds
	// the node, except for a node of a body that reads only streams from
	// outside that loop (a map of an outer stream, say): such a node is
	// computed once per time of those streams, in the loop around
	// (loop-invariant). A loop's variable (Op "loopvar") is in its loop;
	// its result (Op "loopresult") is in the scope around it, and Inner
	// is the loop.
	Loop  *Loop
	Inner *Loop
	// Operator is the custom operator the node applies; nil for
	// built-in operators.
	Operator *OperatorDef
	// Parts is the number of parts of a partition or branch node; Part is
	// which of them a "part" node is (from 0).
	Parts, Part int
	// Implied marks an exchange that the checker added because the
	// operator reading it needs the records of one key on one worker
	// (count, sum, join, iterate, ...); the planner draws it as such.
	Implied bool
	// Across marks an aggregation in a loop written name(across): it
	// keeps its state per key across the rounds of its loop (per time
	// with that loop's round at zero) and, when a round is complete,
	// emits only the keys whose result that round changed.
	Across bool
	// NoCombine marks an aggregation written name(nocombine): its input
	// is routed to the keys' owners record by record, without a combiner.
	// Combined marks a count whose input is a combiner's (record, partial
	// count) tuples, which it adds up.
	NoCombine, Combined bool
	// Associative marks a reduce written reduce((a, b) => v, associative):
	// its lambda may combine partial results in any order, so it gets a
	// combiner like sum.
	Associative bool
	// Arranged is, for a join inside a loop, the input that is a stream
	// from outside the loop: the join reads it as the whole collection
	// of its epoch (its time with the loop's rounds at zero) in every
	// round. Nil for a join whose inputs are both of its own loop.
	Arranged *Node
}

// Depth is the number of loop rounds in the times of the node's records:
// 0 outside loops.
func (n *Node) Depth() int {
	if n.Loop == nil {
		return 0
	}
	return n.Loop.Depth
}

// Loop is the scope of a loop or iterate statement. Times inside carry
// one more round coordinate than outside, counted from 0.
type Loop struct {
	Pos    Pos
	Kind   string // "loop" or "iterate"
	Depth  int    // 1 for a loop in the dataflow, 2 for a loop in a loop
	Parent *Loop
	// Var is the loop variable: the seed at round 0, then what the body
	// sent to next in the round before. For iterate it holds each record
	// once per epoch: records it held before are dropped.
	Var *Node
	// Max bounds the rounds: the loop variable has rounds 0..Max-1. Of a
	// loop, what the body sends to next in round Max-1 leaves the loop as
	// its result. Nil means no bound.
	Max *GoArg
	// Next are the body's next sinks, Leave its leave sinks.
	Next  []*Node
	Leave []*Node
}

// OperatorDef is a checked custom operator.
type OperatorDef struct {
	Pos    Pos
	Name   string
	Inputs []*OperatorInputDef
	// Out is the element type of the output; nil when the operator
	// produces no stream.
	Out types.Type
	// State is the Go source of the state's fields, braces included, and
	// StateFields their checked types; StateText is "" when there is no
	// state.
	State       string
	StatePos    Pos
	StateFields []*RecordField
	// Notify handles notifications; nil when the operator has none.
	Notify *HandlerDef
}

// StateType returns the name of the Go type that holds one worker's
// state of the operator, in checked and generated code.
func (op *OperatorDef) StateType() string { return op.Name + "State" }

// OperatorInputDef is one input of a custom operator and its handler.
type OperatorInputDef struct {
	Pos     Pos
	Name    string
	Type    types.Type
	Handler *HandlerDef
}

// HandlerDef is a checked handler: on input(t, data) { ... } or on
// notify(t) { ... }.
type HandlerDef struct {
	Pos    Pos      // where the body starts
	Params []string // the names of the time and, for inputs, the records
	Body   string   // Go source of the body, braces included
	// UsesParams lists the params the body refers to, sorted.
	UsesParams []string
}

// LambdaInfo is a checked lambda.
type LambdaInfo struct {
	Pos        Pos          // where the body starts
	Params     []string     // parameter names
	ParamTypes []types.Type // one per parameter
	// Destructure is true for (a, b) => ... over a tuple element: the
	// parameters bind the tuple's fields F0, F1, ...
	Destructure bool
	In          types.Type // the element type the lambda is applied to
	Body        string     // Go source of the body (an expression, or a block in braces)
	Block       bool       // the body is a block with return statements
	// Result is the type of the value the lambda produces (nil when it
	// produces none). Fallible is true when it also returns an error as
	// the last result, which ends the computation when non-nil.
	Result   types.Type
	Fallible bool
	// UsesParams lists the params the body refers to, sorted.
	UsesParams []string
}

// GoArg is a Go expression argument with its type. Params are in scope.
type GoArg struct {
	Pos  Pos
	Text string
	Type types.Type
	// UsesParams lists the params the expression refers to, sorted.
	UsesParams []string
}
