package lang

import (
	"fmt"
	"sort"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// The printer walks the AST and the scanned tokens together: for every
// .tdf token it prints, it takes the next token of the file, so that it
// knows where each one was written. Comments, which the AST does not
// hold, are printed in between by position: before a token go the
// comments written before it. A comment that was on the line of the
// token before it stays at the end of that line (a trailing comment);
// one that started a line starts a line. Embedded Go is printed as a
// whole (see formatGo); the comments inside it are part of it.
//
// Lines are collected first and aligned at the end, as gofmt aligns
// them: the types of consecutive record fields, and the trailing
// comments of consecutive lines of the same indentation.

// printer lays out one parsed file.
type printer struct {
	src      []byte
	toks     []lexer.Token // significant tokens, ending with EOF
	next     int           // index of the next token to print
	comments []lexer.Token
	nextCom  int // index of the next comment to print
	prevEnd  int // source line on which the last printed token or comment ends

	lines   []*outLine
	cur     *outLine   // the line being written, nil before the first
	pending *lineBreak // where the next token or comment starts, if on a new line
	space   bool       // a blank goes before the next token on the line
	// afterComment is set when a comment ends the current line's text.
	afterComment bool
	// cont is the indentation of a line that a comment forces in the
	// middle of a construct (after a // comment the next token cannot
	// follow on the same line).
	cont int
}

// lineBreak is a request to start a new line at indent tabs, after as
// many blank lines as the source has there, but at least min and at most
// max.
type lineBreak struct{ indent, min, max int }

// outLine is one line of output.
type outLine struct {
	indent  int      // in tabs, for lines that .tdf constructs start
	prefix  string   // the blanks that start the line
	cells   []string // aligned with the cells of neighbouring lines
	text    string
	comment string // trailing comment, aligned with neighbouring lines'
	raw     bool   // inside embedded Go or a block comment: never aligned
}

// syncError is the panic of a printer whose AST and tokens disagree, a
// bug that Format turns into an error.
type syncError struct{ msg string }

// newPrinter returns a printer for the file ts was scanned from.
func newPrinter(src []byte, ts *tokenStream) *printer {
	return &printer{src: src, toks: ts.toks, comments: ts.comments}
}

// breakLine asks for the next token or comment to start a new line.
func (p *printer) breakLine(indent, min, max int) {
	p.pending = &lineBreak{indent: indent, min: min, max: max}
}

// sp asks for a blank before the next token.
func (p *printer) sp() { p.space = true }

// skipSemis moves past ";" tokens, which the layout replaces by line
// breaks.
func (p *printer) skipSemis() {
	for isPunctTok(p.toks[p.next], ";") {
		p.next++
	}
}

// peek returns the next token, which must be v.
func (p *printer) peek(v string) lexer.Token {
	p.skipSemis()
	t := p.toks[p.next]
	if t.EOF() || t.Value != v {
		panic(syncError{fmt.Sprintf("%d:%d: printing %q, found %q", t.Pos.Line, t.Pos.Column, v, t.Value)})
	}
	return t
}

// has reports whether the next token is the word or symbol v.
func (p *printer) has(v string) bool {
	p.skipSemis()
	t := p.toks[p.next]
	return !t.EOF() && t.Value == v && (t.Type == tokPunct || t.Type == tokIdent)
}

// tok prints the next token, which must be v.
func (p *printer) tok(v string) {
	t := p.peek(v)
	p.next++
	p.emit(t, v)
}

// drop takes the next token, which must be v, without printing it; the
// comments before it are printed.
func (p *printer) drop(v string) {
	t := p.peek(v)
	p.next++
	p.flushComments(t)
	p.prevEnd = tokenEndLine(t)
}

// emit prints s for the source token t, after the comments before it.
func (p *printer) emit(t lexer.Token, s string) {
	p.flushComments(t)
	if p.pending != nil || p.cur == nil {
		p.startLine(t.Pos.Line)
	}
	p.write(s)
	p.prevEnd = tokenEndLine(t)
}

// emptyGroup reports whether the next two tokens are an opening bracket
// and its closing one with no comment between them.
func (p *printer) emptyGroup() bool {
	p.skipSemis()
	i := p.next
	if i+1 >= len(p.toks) || p.toks[i].Type != tokPunct || openToClose[p.toks[i].Value] != p.toks[i+1].Value {
		return false
	}
	return !p.commentBefore(p.toks[i+1].Pos.Offset)
}

// startLine ends the current line and starts the one the pending break
// asks for, or, without one, a continuation line at p.cont. srcLine is
// the source line of what goes first on it.
func (p *printer) startLine(srcLine int) {
	b := p.pending
	if b == nil {
		b = &lineBreak{indent: p.cont}
	}
	p.pending = nil
	p.endLine()
	if p.prevEnd > 0 {
		for range min(max(srcLine-p.prevEnd-1, b.min), b.max) {
			p.lines = append(p.lines, &outLine{})
		}
	}
	p.cur = &outLine{indent: b.indent, prefix: strings.Repeat("\t", b.indent)}
	p.space = false
}

// endLine ends the current line.
func (p *printer) endLine() {
	if p.cur != nil {
		p.lines = append(p.lines, p.cur)
		p.cur = nil
	}
}

// write appends s to the current line.
func (p *printer) write(s string) {
	l := p.cur
	if l.comment != "" {
		l.text = joinBlank(l.text, l.comment)
		l.comment = ""
		p.space, p.afterComment = true, true
	}
	if p.afterComment && strings.ContainsAny(s[:min(len(s), 1)], ",)]") {
		p.space = false // a list goes on right after a comment
	}
	if p.space && l.text != "" {
		l.text += " "
	}
	l.text += s
	p.space, p.afterComment = false, false
}

// writeLines appends the lines of s, which may span lines: the first to
// the current line, the others as lines of their own. The last line
// stays current, at the current line's indentation.
func (p *printer) writeLines(s string) {
	lines := strings.Split(s, "\n")
	p.write(lines[0])
	if len(lines) == 1 {
		return
	}
	indent := p.cur.indent
	p.endLine()
	for _, l := range lines[1 : len(lines)-1] {
		p.lines = append(p.lines, &outLine{text: l, raw: true})
	}
	last := lines[len(lines)-1]
	rest := strings.TrimLeft(last, " \t")
	p.cur = &outLine{indent: indent, prefix: last[:len(last)-len(rest)], text: rest}
}

// joinBlank joins a and b with a blank, or returns b when a is empty.
func joinBlank(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}

// cell ends an aligned cell of the current line: what was written so far
// on it is aligned with the same cell of the lines around it.
func (p *printer) cell() {
	l := p.cur
	if l.comment != "" {
		l.text = joinBlank(l.text, l.comment)
		l.comment = ""
	}
	l.cells = append(l.cells, l.text)
	l.text = ""
	p.space = false
}

// indexAt returns the index of the token that starts at offset off.
func (p *printer) indexAt(off int) int {
	i := sort.Search(len(p.toks), func(i int) bool { return p.toks[i].Pos.Offset >= off })
	if i == len(p.toks) || p.toks[i].Pos.Offset != off {
		panic(syncError{fmt.Sprintf("no token at offset %d", off)})
	}
	return i
}

// goCode prints the embedded Go text that starts at pos, formatted when
// it parses as Go of its kind, and moves past its tokens and comments.
func (p *printer) goCode(pos Pos, text string, kind goKind) {
	p.skipSemis()
	t := p.toks[p.next]
	if t.Pos.Offset != pos.Offset {
		panic(syncError{fmt.Sprintf("%d:%d: printing Go code, found %q", t.Pos.Line, t.Pos.Column, t.Value)})
	}
	p.flushComments(t)
	if p.pending != nil || p.cur == nil {
		p.startLine(pos.Line)
	}
	out := text
	if f, ok := formatGo(kind, text, sourceIndent(p.src, pos.Offset)); ok {
		out = reindent(f, strings.Repeat("\t", p.cur.indent))
	}
	p.writeLines(out)
	end := pos.Offset + len(text)
	for !p.toks[p.next].EOF() && p.toks[p.next].Pos.Offset < end {
		p.next++
	}
	for p.commentBefore(end) {
		p.nextCom++
	}
	p.prevEnd = pos.Line + strings.Count(text, "\n")
}
