// Package lang reads .tdf dataflow programs: it parses them into an
// abstract syntax tree with positions, and checks them, including the Go
// code embedded in lambdas, which it type-checks with go/types.
//
// # Phases
//
// [Parse] turns source into a [File]. Lambda bodies and other embedded Go
// are kept as source text ([GoCode]) with their position; the parser only
// makes sure their brackets balance. [Check] then resolves names, follows
// every pipeline from its source, infers the element type of every stream
// and the types of all lambdas, and returns a [Program]: the checked,
// typed form that the planner consumes.
//
// # Errors
//
// Every error is an [Error] with the position of the offending .tdf text,
// printed as file:line:col: message. A phase reports all the errors it
// finds as an [ErrorList], sorted by position. Errors inside embedded Go
// point at the .tdf column where the Go code is, never at generated code.
package lang
