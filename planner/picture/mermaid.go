package picture

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tdflow/tdc/planner"
)

// Mermaid returns the dataflow as a Mermaid flowchart, for Markdown pages
// that render Mermaid (GitHub's, for one). It draws what DOT draws: a
// fused chain is a box with double sides, arrows that cross workers are
// thick, feedback is dotted, loops are subgraphs.
func Mermaid(g *planner.Graph) []byte {
	var w mermaidWriter
	w.printf("flowchart LR\n")
	w.dataflow(newScene(g, ""), "\t")
	w.styles()
	return []byte(w.b.String())
}

// ProgramMermaid returns the dataflows of a program as one flowchart, each
// a subgraph of its own when there are several.
func ProgramMermaid(graphs []*planner.Graph) []byte {
	if len(graphs) == 1 {
		return Mermaid(graphs[0])
	}
	var w mermaidWriter
	w.printf("flowchart LR\n")
	for i, g := range graphs {
		// Mermaid ids are kept to ASCII: dataflow i's start with dfI_.
		w.printf("\tsubgraph df%d[%s]\n\t\tdirection LR\n", i, mermaidText("dataflow "+g.Name))
		w.dataflow(newScene(g, fmt.Sprintf("df%d-", i)), "\t\t")
		w.printf("\tend\n")
	}
	w.styles()
	return []byte(w.b.String())
}

// mermaidWriter builds a flowchart, collecting the classes of nodes and
// the styles of links for the end.
type mermaidWriter struct {
	b       strings.Builder
	classes map[string][]string // class -> nodes
	links   map[string][]string // style -> link indexes
	nlinks  int
}

func (w *mermaidWriter) printf(format string, args ...any) { fmt.Fprintf(&w.b, format, args...) }

func (w *mermaidWriter) dataflow(s *scene, indent string) {
	w.scope(s.top, indent)
	for _, a := range s.arrows {
		w.arrow(a, indent)
	}
}

// mermaidID turns a scene's node name or id into a Mermaid node id.
func mermaidID(s string) string { return strings.ReplaceAll(s, "-", "_") }

func (w *mermaidWriter) scope(sc *scope, indent string) {
	if sc.loop != nil {
		w.printf("%ssubgraph %s[%s]\n", indent, mermaidID(sc.id), mermaidText(sc.label))
		indent += "\t"
	}
	for _, b := range sc.boxes {
		var rows []string
		for _, r := range b.rows {
			rows = append(rows, r.text+" · "+r.pos)
		}
		open, close := "[", "]"
		if len(b.rows) > 1 {
			open, close = "[[", "]]" // a subroutine box: double sides
		}
		id := mermaidID(b.node)
		w.printf("%s%s%s%s%s\n", indent, id, open, mermaidText(strings.Join(rows, "\n")), close)
		w.class(boxClass(b.op), id)
	}
	for _, inner := range sc.scopes {
		w.scope(inner, indent)
	}
	if sc.loop != nil {
		w.printf("%send\n", indent[:len(indent)-1])
	}
}

// boxClass is the Mermaid class that colours an operator's box.
func boxClass(op *planner.Op) string {
	switch {
	case op.Kind == planner.LinesOp || op.Kind == planner.RangeOp || op.Kind == planner.InputOp:
		return "source"
	case op.Kind == planner.LoopOp || op.Kind == planner.IterateOp:
		return "loophead"
	case op.Kind == planner.CustomOp:
		return "custom"
	case op.Kind == planner.CombineOp:
		return "combiner"
	case op.Kind.Aggregates():
		return "aggregate"
	}
	return "chain"
}

func (w *mermaidWriter) class(class, node string) {
	if w.classes == nil {
		w.classes = map[string][]string{}
	}
	w.classes[class] = append(w.classes[class], node)
}

func (w *mermaidWriter) arrow(a *arrow, indent string) {
	link, style := "-->", "stroke:#444444"
	switch a.kind {
	case "exchange":
		link, style = "==>", "stroke:#1f5fbf"
	case "implied":
		link, style = "==>", "stroke:#1f5fbf,stroke-dasharray:6 3"
	case "broadcast":
		link, style = "==>", "stroke:#8a3ab9"
	}
	if a.feedback {
		link, style = "-.->", "stroke:#c05a00"
	}
	w.printf("%s%s %s|%s| %s\n", indent, mermaidID(a.from), link, mermaidText(strings.Join(a.label, "\n")), mermaidID(a.to))
	if w.links == nil {
		w.links = map[string][]string{}
	}
	w.links[style] = append(w.links[style], fmt.Sprint(w.nlinks))
	w.nlinks++
}

// classStyles are the Mermaid styles of the boxes' classes.
var classStyles = map[string]string{
	"source":    "fill:#e3f4e1,stroke:#333",
	"loophead":  "fill:#fff3c4,stroke:#333",
	"custom":    "fill:#efe3f7,stroke:#333",
	"combiner":  "fill:#eeeeee,stroke:#333",
	"aggregate": "fill:#e1ecf7,stroke:#333",
	"chain":     "fill:#ffffff,stroke:#333",
}

// styles prints the classes of the boxes and the styles of the links,
// sorted so that the text is the same every time.
func (w *mermaidWriter) styles() {
	for _, class := range slices.Sorted(maps.Keys(w.classes)) {
		w.printf("\tclassDef %s %s\n\tclass %s %s\n", class, classStyles[class], strings.Join(w.classes[class], ","), class)
	}
	for _, style := range slices.Sorted(maps.Keys(w.links)) {
		w.printf("\tlinkStyle %s %s\n", strings.Join(w.links[style], ","), style)
	}
}

// mermaidText quotes s for a Mermaid label: entity codes for the
// characters Mermaid reads as syntax, <br/> for line breaks.
func mermaidText(s string) string {
	s = strings.NewReplacer("#", "#35;", `"`, "#quot;", "&", "#amp;", "<", "#lt;", ">", "#gt;").Replace(s)
	return `"` + strings.ReplaceAll(s, "\n", "<br/>") + `"`
}
