package lang

import (
	"sort"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// commentBefore reports whether a comment not yet printed starts before
// offset off.
func (p *printer) commentBefore(off int) bool {
	return p.nextCom < len(p.comments) && p.comments[p.nextCom].Pos.Offset < off
}

// ownLineCommentBefore reports whether a comment not yet printed starts
// a line before offset off.
func (p *printer) ownLineCommentBefore(off int) bool {
	for _, c := range p.comments[p.nextCom:] {
		if c.Pos.Offset >= off {
			return false
		}
		if c.Pos.Line > p.prevEnd {
			return true
		}
	}
	return false
}

// flushComments prints the comments before the token t.
func (p *printer) flushComments(t lexer.Token) {
	for p.commentBefore(t.Pos.Offset) {
		c := p.comments[p.nextCom]
		p.nextCom++
		next := t.Pos.Line
		if p.commentBefore(t.Pos.Offset) {
			next = p.comments[p.nextCom].Pos.Line
		}
		p.comment(c, next)
	}
}

// comment prints c, which the token or comment on source line next
// follows: at the end of the current line when it was written on the
// line of the token before it, else on a line of its own. What follows a
// // comment, or a comment on its own line that the next token did not
// follow on its line, goes on a new line.
func (p *printer) comment(c lexer.Token, next int) {
	text := trimComment(c.Value)
	own := p.cur == nil || c.Pos.Line > p.prevEnd
	indent := p.cont
	if own {
		if p.pending == nil {
			p.pending = &lineBreak{indent: p.cont}
		}
		indent = p.pending.indent
		p.startLine(c.Pos.Line)
	}
	if !own && !strings.Contains(text, "\n") {
		l := p.cur
		if l.comment != "" {
			l.text = joinBlank(l.text, l.comment)
		}
		l.comment = text
	} else {
		p.sp()
		p.writeLines(text)
		p.cur.raw = strings.Contains(text, "\n")
		p.space, p.afterComment = true, true
	}
	p.prevEnd = tokenEndLine(c)
	if own && next > p.prevEnd {
		p.pending = &lineBreak{indent: indent, max: 1}
	} else if strings.HasPrefix(text, "//") && p.pending == nil {
		p.pending = &lineBreak{indent: p.cont}
	}
}

// trimComment removes the blanks at the end of the lines of a comment.
func trimComment(c string) string {
	lines := strings.Split(c, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	return strings.Join(lines, "\n")
}

// startsLine reports whether toks[i] starts a source line: it is on a
// line after the one on which the token or comment before it ends.
func (p *printer) startsLine(i int) bool {
	t := p.toks[i]
	end := 0
	if i > 0 {
		end = tokenEndLine(p.toks[i-1])
	}
	c := sort.Search(len(p.comments), func(k int) bool { return p.comments[k].Pos.Offset >= t.Pos.Offset })
	if c > 0 && (i == 0 || p.comments[c-1].Pos.Offset > p.toks[i-1].Pos.Offset) {
		end = tokenEndLine(p.comments[c-1])
	}
	return t.Pos.Line > end
}
