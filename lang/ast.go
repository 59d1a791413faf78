package lang

import "github.com/alecthomas/participle/v2/lexer"

// Pos is a position in a .tdf file: file name, byte offset, line and
// column, lines and columns counted from 1.
type Pos = lexer.Position

// File is a parsed .tdf file.
type File struct {
	Pos     Pos
	Package *Ident    `parser:"\"package\" @@"`
	Imports []*Import `parser:"( \"import\" ( @@ | \"(\" @@* \")\" ) )*"`
	Decls   []*Decl   `parser:"@@*"`
}

// Ident is a name with its position.
type Ident struct {
	Pos  Pos
	Name string `parser:"@Ident"`
}

// Import imports a Go package for use in embedded Go expressions.
type Import struct {
	Pos  Pos
	Name *Ident `parser:"@@?"`
	Path string `parser:"@String"`
}

// Decl is one top-level declaration: a record type, a parameter, a
// custom operator, or a dataflow.
type Decl struct {
	Pos      Pos
	Type     *TypeDecl     `parser:"  @@"`
	Param    *ParamDecl    `parser:"| @@"`
	Operator *OperatorDecl `parser:"| @@"`
	Dataflow *Dataflow     `parser:"| @@"`
}

// OperatorDecl declares a custom operator:
//
//	operator name(in T, other U) Out {
//		state { Go struct fields }
//		on in(t, data) { Go statements }
//		on other(t, data) { Go statements }
//		on notify(t) { Go statements }
//	}
//
// Out is absent for an operator that produces no stream.
type OperatorDecl struct {
	Pos      Pos
	Name     *Ident           `parser:"\"operator\" @@"`
	Inputs   []*OperatorInput `parser:"\"(\" @@ ( \",\" @@ )* \")\""`
	Out      *TypeExpr        `parser:"@@? \"{\""`
	State    *GoBlock         `parser:"( \"state\" @@ \";\"? )?"`
	Handlers []*Handler       `parser:"( @@ \";\"? )* \"}\""`
}

// OperatorInput is one input of a custom operator: name type.
type OperatorInput struct {
	Pos  Pos
	Name *Ident    `parser:"@@"`
	Type *TypeExpr `parser:"@@"`
}

// Handler is on input(t, data) { ... } or on notify(t) { ... }.
type Handler struct {
	Pos    Pos
	Input  *Ident   `parser:"\"on\" @@"`
	Params []*Ident `parser:"\"(\" @@ ( \",\" @@ )* \")\""`
	Body   *GoBlock `parser:"@@"`
}

// GoBlock is embedded Go in braces: the fields of an operator's state or
// the statements of a handler. Text holds the source from "{" to "}".
type GoBlock struct {
	Pos    Pos
	Tokens []lexer.Token
	Text   string
	Parts  []*goGroupPart `parser:"\"{\" @@* \"}\""`
}

// TypeDecl declares a record type: type Name struct { Field Type ... }.
type TypeDecl struct {
	Pos    Pos
	Name   *Ident   `parser:"\"type\" @@ \"struct\" \"{\""`
	Fields []*Field `parser:"( @@ \";\"? )* \"}\""`
}

// Field is one field of a record type.
type Field struct {
	Pos  Pos
	Name *Ident    `parser:"@@"`
	Type *TypeExpr `parser:"@@"`
}

// TypeExpr is a type: a name (bool, int64, string, a record, pkg.Name), a
// slice or fixed array, or a tuple (A, B).
type TypeExpr struct {
	Pos   Pos
	Tuple []*TypeExpr `parser:"(  \"(\" @@ ( \",\" @@ )+ \")\""`
	Array *ArrayType  `parser:" | @@"`
	Named *QualIdent  `parser:" | @@ )"`
}

// ArrayType is []Elem (Len empty) or [Len]Elem.
type ArrayType struct {
	Pos  Pos
	Len  string    `parser:"\"[\" @Int? \"]\""`
	Elem *TypeExpr `parser:"@@"`
}

// QualIdent is Name or Pkg.Name.
type QualIdent struct {
	Pos  Pos
	Pkg  string `parser:"( @Ident \".\" )?"`
	Name string `parser:"@Ident"`
}

// ParamDecl declares a run-time parameter: param name type = default,
// optionally followed by (per process). It becomes a flag of a generated
// binary and a field of the generated configuration struct.
type ParamDecl struct {
	Pos     Pos
	Name    *Ident    `parser:"\"param\" @@"`
	Type    *TypeExpr `parser:"@@"`
	Default *Literal  `parser:"( \"=\" @@ )?"`
	// PerProcess marks a param whose value may differ between the
	// processes of one computation: their handshake does not compare it.
	PerProcess bool `parser:"@( \"(\" \"per\" \"process\" \")\" )?"`
}

// Literal is a constant in Go syntax: a string, a number (possibly
// negative) or a boolean.
type Literal struct {
	Pos   Pos
	Neg   bool   `parser:"@\"-\"?"`
	Value string `parser:"@( String | RawString | Int | Float | \"true\" | \"false\" )"`
}

// Dataflow is dataflow Name { statements }.
type Dataflow struct {
	Pos   Pos
	Name  *Ident  `parser:"\"dataflow\" @@ \"{\""`
	Stmts []*Stmt `parser:"( @@ \";\"? )* \"}\""`
}

// Stmt is one statement of a dataflow: an input declaration, a loop or a
// pipeline.
type Stmt struct {
	Pos      Pos
	Input    *InputDecl `parser:"  @@"`
	Loop     *LoopStmt  `parser:"| @@"`
	Pipeline *Pipeline  `parser:"| @@"`
}

// LoopStmt is [name :=] loop var := seed [max N] { statements }, or the
// same with iterate. Inside, var is the seed at round 0 and what the body
// sends to next at each later round.
type LoopStmt struct {
	Pos   Pos
	Bind  *Ident  `parser:"( @@ \":=\" )?"`
	Kind  string  `parser:"@( \"loop\" | \"iterate\" )"`
	Var   *Ident  `parser:"@@ \":=\""`
	Seed  *Ident  `parser:"@@"`
	Max   *Bound  `parser:"( \"max\" @@ )?"`
	Stmts []*Stmt `parser:"\"{\" ( @@ \";\"? )* \"}\""`
}

// Bound is a loop's round limit: an integer or a param's name.
type Bound struct {
	Pos   Pos
	Value string `parser:"@( Int | Ident )"`
}

// InputDecl declares a host-fed input stream: input name type.
type InputDecl struct {
	Pos  Pos
	Name *Ident    `parser:"\"input\" @@"`
	Type *TypeExpr `parser:"@@"`
}

// Pipeline is [name :=] head -> op -> op ... The head is a stream name or
// a source call; the pipeline's result is bound to Bind when present. A
// pipeline that ends in branch or partition binds a name per part: Bind
// and More.
type Pipeline struct {
	Pos  Pos
	Bind *Ident   `parser:"( @@"`
	More []*Ident `parser:"  ( \",\" @@ )* \":=\" )?"`
	Head *Call    `parser:"@@"`
	Ops  []*Call  `parser:"( \"->\" @@ )*"`
}

// Call is an operator or source: name, or name(args).
type Call struct {
	Pos  Pos
	Name *Ident   `parser:"@@"`
	Args *ArgList `parser:"@@?"`
}

// ArgList is the parenthesized argument list of a call.
type ArgList struct {
	Pos  Pos
	Args []*Arg `parser:"\"(\" ( @@ ( \",\" @@ )* \",\"? )? \")\""`
}

// Arg is one argument of a call: a lambda or a Go expression.
type Arg struct {
	Pos    Pos
	Lambda *Lambda `parser:"  @@"`
	Expr   *GoCode `parser:"| @@"`
}

// Lambda is x => body or (a, b) => body, where body is a Go expression or
// a Go block in braces.
type Lambda struct {
	Pos    Pos
	Params []*Ident `parser:"( @@ | \"(\" @@ ( \",\" @@ )* \")\" ) \"=>\""`
	Body   *GoCode  `parser:"@@"`
}

// GoCode is embedded Go source: a run of tokens with balanced brackets,
// ending before a comma or closing bracket at depth zero. Text holds the
// source exactly as written; Pos is where it starts.
type GoCode struct {
	Pos    Pos
	Tokens []lexer.Token
	Text   string
	Parts  []*goPart `parser:"@@+"`
}

// goPart is one token or bracketed group of embedded Go.
type goPart struct {
	Group *goGroup `parser:"  @@"`
	Token string   `parser:"| @!( \",\" | \")\" | \"]\" | \"}\" | \"(\" | \"[\" | \"{\" )"`
}

// goGroup is a bracketed group of embedded Go, which may contain commas.
// Each kind of bracket is closed by its own kind.
type goGroup struct {
	Paren []*goGroupPart `parser:"  \"(\" @@* \")\""`
	Brack []*goGroupPart `parser:"| \"[\" @@* \"]\""`
	Brace []*goGroupPart `parser:"| \"{\" @@* \"}\""`
}

type goGroupPart struct {
	Group *goGroup `parser:"  @@"`
	Token string   `parser:"| @!( \")\" | \"]\" | \"}\" | \"(\" | \"[\" | \"{\" )"`
}
