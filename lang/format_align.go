package lang

import (
	"strings"
	"unicode/utf8"
)

// finish prints the comments left at the end of the file and returns the
// text.
func (p *printer) finish() []byte {
	eof := p.toks[len(p.toks)-1]
	p.breakLine(0, 0, 1)
	eof.Pos.Offset++ // past the comments at the very end
	p.flushComments(eof)
	p.endLine()
	alignCells(p.lines)
	alignComments(p.lines)
	var b strings.Builder
	for _, l := range p.lines {
		b.WriteString(l.prefix)
		b.WriteString(l.text)
		if l.comment != "" {
			b.WriteString(" " + l.comment)
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// alignCells pads the cells of runs of consecutive lines that have the
// same indentation and number of cells, so that what follows each cell
// starts in one column, and moves them into the lines' text.
func alignCells(lines []*outLine) {
	same := func(a, b *outLine) bool {
		return !a.raw && !b.raw && len(a.cells) == len(b.cells) && a.prefix == b.prefix
	}
	forRuns(lines, func(l *outLine) bool { return len(l.cells) > 0 && !l.raw }, same, func(run []*outLine) {
		for c := range run[0].cells {
			width := 0
			for _, l := range run {
				width = max(width, utf8.RuneCountInString(l.cells[c]))
			}
			for _, l := range run {
				l.cells[c] += strings.Repeat(" ", width-utf8.RuneCountInString(l.cells[c])+1)
			}
		}
		for _, l := range run {
			l.text = strings.Join(l.cells, "") + l.text
			l.cells = nil
		}
	})
}

// alignComments pads the text of runs of consecutive lines of the same
// indentation that have trailing comments, so that the comments start in
// one column.
func alignComments(lines []*outLine) {
	same := func(a, b *outLine) bool { return a.prefix == b.prefix }
	forRuns(lines, func(l *outLine) bool { return l.comment != "" && !l.raw }, same, func(run []*outLine) {
		width := 0
		for _, l := range run {
			width = max(width, utf8.RuneCountInString(l.text))
		}
		for _, l := range run {
			l.text += strings.Repeat(" ", width-utf8.RuneCountInString(l.text))
		}
	})
}

// forRuns calls fn with every maximal run of consecutive lines for which
// in holds and each of which is like the one before it.
func forRuns(lines []*outLine, in func(*outLine) bool, like func(a, b *outLine) bool, fn func([]*outLine)) {
	for i := 0; i < len(lines); {
		if !in(lines[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(lines) && in(lines[j]) && like(lines[j-1], lines[j]) {
			j++
		}
		fn(lines[i:j])
		i = j
	}
}
