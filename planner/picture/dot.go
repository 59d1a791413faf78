package picture

import (
	"fmt"
	"strings"

	"github.com/tdflow/tdc/planner"
)

// DOT returns the dataflow in Graphviz's DOT language: the text SVG
// renders, and what `dot -Tpng` or any other Graphviz tool reads.
func DOT(g *planner.Graph) []byte {
	var w dotWriter
	s := newScene(g, "")
	w.printf("digraph %s {\n", quote(g.Name))
	w.header(fmt.Sprintf("dataflow %s", g.Name))
	w.scope(s, s.top, "\t")
	w.arrows(s, "\t")
	w.printf("}\n")
	return []byte(w.b.String())
}

// ProgramDOT returns the dataflows of a program in one DOT graph. One
// dataflow is drawn as DOT draws it; several are each a box of their own,
// their ids prefixed with their names (see the package doc).
func ProgramDOT(graphs []*planner.Graph) []byte {
	if len(graphs) == 1 {
		return DOT(graphs[0])
	}
	var w dotWriter
	w.printf("digraph program {\n")
	w.header("")
	for _, g := range graphs {
		s := newScene(g, g.Name+"-")
		w.printf("\tsubgraph %s {\n", quote("cluster_"+g.Name))
		w.printf("\t\tid=%s;\n\t\tclass=\"dataflow\";\n\t\tlabel=%s;\n\t\tstyle=\"dashed\";\n", quote("dataflow-"+g.Name), quote("dataflow "+g.Name))
		w.scope(s, s.top, "\t\t")
		w.arrows(s, "\t\t")
		w.printf("\t}\n")
	}
	w.printf("}\n")
	return []byte(w.b.String())
}

// dotWriter builds DOT text.
type dotWriter struct{ b strings.Builder }

func (w *dotWriter) printf(format string, args ...any) { fmt.Fprintf(&w.b, format, args...) }

// header sets the defaults of the graph, its nodes and its edges.
func (w *dotWriter) header(label string) {
	w.printf("\tgraph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, labelloc=t, labeljust=l")
	if label != "" {
		w.printf(", label=%s", quote(label))
	}
	w.printf("];\n")
	w.printf("\tnode [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\", fontsize=10];\n")
	w.printf("\tedge [fontname=\"Helvetica\", fontsize=9, color=\"#444444\"];\n")
}

// scope prints the boxes of a scope and, as clusters, its loops.
func (w *dotWriter) scope(s *scene, sc *scope, indent string) {
	if sc.loop != nil {
		w.printf("%ssubgraph %s {\n", indent, quote("cluster_"+strings.ReplaceAll(sc.id, "-", "_")))
		indent += "\t"
		w.printf("%sid=%s;\n%sclass=\"loop\";\n%slabel=%s;\n%sstyle=\"rounded\";\n%scolor=\"#b08000\";\n",
			indent, quote(sc.id), indent, indent, quote(sc.label), indent, indent)
	}
	for _, b := range sc.boxes {
		w.box(b, indent)
	}
	for _, inner := range sc.scopes {
		w.scope(s, inner, indent)
	}
	if sc.loop != nil {
		w.printf("%s}\n", indent[:len(indent)-1])
	}
}

// fills colours boxes by what the operator does.
var fills = map[planner.OpKind]string{
	planner.LinesOp:   "#e3f4e1",
	planner.RangeOp:   "#e3f4e1",
	planner.InputOp:   "#e3f4e1",
	planner.LoopOp:    "#fff3c4",
	planner.IterateOp: "#fff3c4",
	planner.CustomOp:  "#efe3f7",
	planner.CombineOp: "#eeeeee",
}

func (w *dotWriter) box(b *box, indent string) {
	attrs := []string{
		"id=" + quote(b.id),
		"class=" + quote(strings.Join(b.classes, " ")),
		"tooltip=" + quote(b.tooltip),
	}
	if fill, ok := fills[b.op.Kind]; ok {
		attrs = append(attrs, "fillcolor="+quote(fill))
	} else if b.op.Kind.Aggregates() {
		attrs = append(attrs, `fillcolor="#e1ecf7"`)
	}
	if len(b.rows) > 1 {
		attrs = append(attrs, "peripheries=2")
	}
	var t strings.Builder
	t.WriteString(`<table border="0" cellborder="0" cellspacing="0" cellpadding="2">`)
	for _, r := range b.rows {
		fmt.Fprintf(&t, `<tr><td align="left">%s</td><td width="8"></td><td align="right"><font color="#666666">%s</font></td></tr>`, html(r.text), r.pos)
	}
	t.WriteString(`</table>`)
	attrs = append(attrs, "label=<"+t.String()+">")
	w.printf("%s%s [%s];\n", indent, quote(b.node), strings.Join(attrs, ", "))
}

// arrowStyle returns the DOT attributes that draw a kind of channel:
// bold for those that cross workers, dashed for those the checker implied,
// dotted and orange for feedback.
func arrowStyle(a *arrow) string {
	line, color := "solid", "#444444"
	switch a.kind {
	case "exchange":
		line, color = "bold", "#1f5fbf"
	case "implied":
		line, color = "bold,dashed", "#1f5fbf"
	case "broadcast":
		line, color = "bold", "#8a3ab9"
	}
	if a.feedback {
		line, color = strings.Replace(strings.Replace(line, "dashed", "dotted", 1), "solid", "dotted", 1), "#c05a00"
		if line == "bold" {
			line = "bold,dotted"
		}
	}
	s := fmt.Sprintf("style=%s, color=%s, fontcolor=%s", quote(line), quote(color), quote(color))
	if a.kind == "broadcast" {
		s += `, arrowhead="normalnormal"`
	}
	return s
}

func (w *dotWriter) arrows(s *scene, indent string) {
	for _, a := range s.arrows {
		attrs := []string{
			"id=" + quote(a.id),
			"class=" + quote(strings.Join(a.classes, " ")),
			"tooltip=" + quote(fmt.Sprintf("channel %d: %s", a.ch.ID, strings.Join(a.label, ", "))),
			arrowStyle(a),
		}
		var label []string
		for _, l := range a.label {
			label = append(label, html(l))
		}
		attrs = append(attrs, "label=<"+strings.Join(label, "<br/>")+">")
		w.printf("%s%s -> %s [%s];\n", indent, quote(a.from), quote(a.to), strings.Join(attrs, ", "))
	}
}

// quote makes s a DOT quoted string.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// html escapes s for a DOT HTML-like label.
func html(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
