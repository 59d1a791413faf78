// Package lang reads .tdf dataflow programs: it parses them into an
// abstract syntax tree with positions, and checks them, including the Go
// code embedded in lambdas, which it type-checks with go/types.
//
// # Phases
//
// [Parse] turns source into a [File]. Lambda bodies and other embedded Go
// are kept as source text ([GoCode]) with their position; the parser only
// makes sure their brackets balance and that they hold none of the .tdf
// arrows "->" and "=>", which are not Go. [Check] then resolves names, follows
// every pipeline from its source, infers the element type of every stream
// and the types of all lambdas, and returns a [Program]: the checked,
// typed form that the planner consumes.
//
// # Parsing
//
// Parse works in three steps. The scanner lexes the whole file, reporting
// every malformed token (an invalid character, an unterminated string or
// comment), and matches brackets, reporting the first one left open or
// closed by the wrong kind. The recognizer then walks the tokens with the
// grammar and reports every syntax error, at most one a line, in words:
// what it expected, where, and the likely fix ("unexpected "=>"; expected
// "->" between pipeline stages"); it is a little stricter than the
// grammar, as Go is, about line breaks: statements and fields end at the
// end of a line. Only a file without errors reaches the participle parser
// that builds the AST from the grammar in the struct tags of ast.go, so
// its own messages are never shown. [Dump] prints an AST for tests.
//
// # Formatting
//
// [Format] prints a file in the canonical layout of tdc fmt. The AST
// holds no comments, but the scanner keeps them with their positions:
// the printer walks the AST and the token stream together, so that every
// token it prints has its source position, and it prints each comment
// between the tokens it was written between. Embedded Go is laid out by
// go/format, wrapped into a Go file as a var's value, a func's body or a
// struct's fields. Format checks its own output: it parses it again and
// compares the tree and the comments' places ([SyntaxKey]).
//
// # Errors
//
// Every error is an [Error] with the position of the offending .tdf text,
// printed as file:line:col: message. A phase reports all the errors it
// finds as an [ErrorList], sorted by position. Errors inside embedded Go
// point at the .tdf column where the Go code is, never at generated code.
package lang
