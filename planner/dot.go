package planner

import (
	"fmt"
	"strings"
)

// DOT returns the graph in Graphviz's DOT language: an operator a node,
// labeled with what it runs and where the .tdf file has it, and a channel
// an edge, labeled with its kind and record type. `tdc graph` prints it;
// `dot -Tsvg` draws it.
func (g *Graph) DOT() string {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %q {\n", g.Name)
	b.WriteString("\trankdir=LR;\n\tnode [shape=box, fontname=\"Helvetica\"];\n\tedge [fontname=\"Helvetica\", fontsize=10];\n")
	for _, op := range g.Ops {
		var lines []string
		lines = append(lines, op.Label())
		if n := op.Node; n != nil && len(n.Args) > 0 {
			lines = append(lines, string(n.Op)+nodeArgs(n))
		}
		lines = append(lines, fmt.Sprintf("%d:%d", op.Pos.Line, op.Pos.Column))
		fmt.Fprintf(&b, "\top%d [label=%q];\n", op.ID, strings.Join(lines, "\n"))
	}
	for _, ch := range g.Channels {
		kind := "pipeline"
		style := "solid"
		switch {
		case ch.Key != nil:
			kind = "exchange(" + lambdaText(ch.Key.Lambda) + ")"
			style = "bold"
		case ch.Broadcast != nil:
			kind = "broadcast"
			style = "dashed"
		}
		for _, c := range ch.Changes {
			kind += " " + string(c.Kind)
			if c.Kind == Feedback {
				style = "dotted"
			}
		}
		if ch.Partition != nil {
			kind += fmt.Sprintf(" part %d", ch.Part)
		}
		if ch.Enters() {
			kind += " enter"
		}
		port := ""
		if ch.To.Right != nil && ch.Port == ch.To.Right {
			port = " (right)"
		}
		fmt.Fprintf(&b, "\top%d -> op%d [label=%q, style=%s];\n", ch.From.ID, ch.To.ID, kind+port+"\n"+typeText(ch.Type), style)
	}
	b.WriteString("}\n")
	return b.String()
}
