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
