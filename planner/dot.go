package planner

import (
	"fmt"
	"strings"

	"github.com/tdflow/tdc/lang"
)

// DOT returns the graph in Graphviz's DOT language: an operator a node,
// labeled with what it runs and where the .tdf file has it, and a channel
// an edge, labeled with its kind and record type. `tdc graph` prints it;
// `dot -Tsvg` draws it.
func (g *Graph) DOT() string {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %q {\n", g.Name)
	b.WriteString("\trankdir=LR;\n\tnode [shape=box, fontname=\"Helvetica\"];\n\tedge [fontname=\"Helvetica\", fontsize=10];\n")
	// Operators in loops go into one cluster per loop, nested like the
	// loops.
	loops := map[*lang.Loop][]*Op{}
	children := map[*lang.Loop][]*lang.Loop{}
	for _, op := range g.Ops {
		for l := op.Loop; l != nil; l = l.Parent {
			if _, ok := loops[l]; !ok {
				loops[l] = nil
				children[l.Parent] = append(children[l.Parent], l)
			}
		}
		loops[op.Loop] = append(loops[op.Loop], op)
	}
	var scope func(l *lang.Loop, indent string)
	scope = func(l *lang.Loop, indent string) {
		if l != nil {
			label := fmt.Sprintf("%s %s", l.Kind, l.Var.Name)
			if l.Max != nil {
				label += " max " + l.Max.Text
			}
			fmt.Fprintf(&b, "%ssubgraph cluster_loop%d_%d {\n%s\tlabel=%q;\n%s\tstyle=rounded;\n", indent, l.Pos.Line, l.Pos.Column, indent, label, indent)
			indent += "\t"
		}
		for _, op := range loops[l] {
			var lines []string
			lines = append(lines, op.Label())
			if n := op.Node; n != nil && len(n.Args) > 0 {
				lines = append(lines, string(n.Op)+nodeArgs(n))
			}
			lines = append(lines, fmt.Sprintf("%d:%d", op.Pos.Line, op.Pos.Column))
			fmt.Fprintf(&b, "%sop%d [label=%q];\n", indent, op.ID, strings.Join(lines, "\n"))
		}
		for _, c := range children[l] {
			scope(c, indent)
		}
		if l != nil {
			fmt.Fprintf(&b, "%s}\n", indent[:len(indent)-1])
		}
	}
	scope(nil, "\t")
	for _, ch := range g.Channels {
		kind := "pipeline"
		style := "solid"
		switch {
		case ch.Key != nil:
			kind = "exchange(" + lambdaText(ch.Key.Lambda) + ")"
			if ch.Key.Implied {
				kind = "implied " + kind
			}
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
		if ch.To.Arranged != nil && ch.Port == ch.To.Arranged {
			port += " (arranged: whole epoch every round)"
		}
		fmt.Fprintf(&b, "\top%d -> op%d [label=%q, style=%s];\n", ch.From.ID, ch.To.ID, kind+port+"\n"+typeText(ch.Type), style)
	}
	b.WriteString("}\n")
	return b.String()
}
