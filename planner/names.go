package planner

import (
	"fmt"
	"strings"
	"unicode"
)

// maxNameWords bounds how many members an operator's name spells out.
const maxNameWords = 6

// name gives every operator of the graph its Name: the words of its
// members in CamelCase, in order, then Exchange or Broadcast when it
// routes its output across workers, then the .tdf line of the operator,
// e.g. ReadMapExchange21 or JoinMap25. Two operators of one line with the
// same members get their columns too (Map24_8, Map24_30), so names are
// unique in the graph; every name is a Go identifier that starts with an
// upper-case letter.
func (p *planState) name() {
	seen := map[string]bool{}
	for _, op := range p.g.Ops {
		words := opWords(op)
		name := fmt.Sprintf("%s%d", words, op.Pos.Line)
		if seen[name] {
			name = fmt.Sprintf("%s%d_%d", words, op.Pos.Line, op.Pos.Column)
		}
		for i := 2; seen[name]; i++ {
			name = fmt.Sprintf("%s%d_%d_%d", words, op.Pos.Line, op.Pos.Column, i)
		}
		seen[name] = true
		op.Name = name
	}
}

// opWords spells what an operator does: a word for each member, and
// one for how it routes its output.
func opWords(op *Op) string {
	var words []string
	if n := op.Node; n != nil {
		switch n.Op {
		case "loopvar":
			words = append(words, camel(n.Loop.Kind)+camel(n.Name))
		case "input", "probe", "combine":
			words = append(words, camel(n.Op)+camel(n.Name))
		default:
			words = append(words, camel(n.Op))
		}
	}
	for _, st := range op.Stages {
		if st.Op == "combine" {
			words = append(words, camel(st.Op)+camel(st.Name))
			continue
		}
		words = append(words, camel(st.Op))
	}
	if len(words) > maxNameWords {
		words = append(words[:maxNameWords-1], "Etc")
	}
	if op.Out != nil {
		exchange, broadcast := false, false
		for _, ch := range op.Out.Channels {
			exchange = exchange || ch.Key != nil
			broadcast = broadcast || ch.Broadcast != nil
		}
		if exchange {
			words = append(words, "Exchange")
		}
		if broadcast {
			words = append(words, "Broadcast")
		}
	}
	return strings.Join(words, "")
}

// camel turns a .tdf name (an operator, a variable) into a CamelCase
// word: flat_map becomes FlatMap, n becomes N. Letters and digits are
// kept, anything else starts a new word.
func camel(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
		}
		up = false
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return "Op"
	}
	if first := []rune(b.String())[0]; !unicode.IsLetter(first) || !unicode.IsUpper(first) {
		return "Op" + b.String()
	}
	return b.String()
}
