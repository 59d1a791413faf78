package picture

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tdflow/tdc/lang"
	"github.com/tdflow/tdc/planner"
)

// scene is a dataflow as drawn, independent of the output language: the
// boxes of operators, nested in the boxes of loops, and the arrows of
// channels. DOT and Mermaid print the same scene.
type scene struct {
	name   string // the dataflow's name
	prefix string // prefix of every id: "" or "NAME-"
	top    *scope // the dataflow's scope, outside every loop
	arrows []*arrow
}

// scope is the dataflow or one loop, with the operators directly in it and
// the loops nested in it.
type scope struct {
	loop   *lang.Loop // nil for the dataflow
	id     string     // "loop-LINE-COL"
	label  string     // "iterate n (23:2)"
	boxes  []*box
	scopes []*scope
}

// box is one operator.
type box struct {
	op      *planner.Op
	node    string   // the node's name in DOT and Mermaid: "op3"
	id      string   // "op-3"
	classes []string // "op", the kind, "fused"
	rows    []row
	tooltip string
}

// row is one member of an operator: what it does and where.
type row struct {
	text string // "map(e => e.Src)"
	pos  string // "21:50"
}

// arrow is one channel.
type arrow struct {
	ch       *planner.Channel
	from, to string // node names
	id       string // "ch-5"
	classes  []string
	kind     string // "pipeline", "exchange", "implied", "broadcast"
	label    []string
	feedback bool // goes round a loop, against the flow
}

// maxText is how many characters of a lambda's body a label shows.
const maxText = 40

// newScene lays out the scene of g; prefix starts every id and node name.
func newScene(g *planner.Graph, prefix string) *scene {
	s := &scene{name: g.Name, prefix: prefix, top: &scope{}}
	scopes := map[*lang.Loop]*scope{nil: s.top}
	var scopeOf func(l *lang.Loop) *scope
	scopeOf = func(l *lang.Loop) *scope {
		if sc, ok := scopes[l]; ok {
			return sc
		}
		parent := scopeOf(l.Parent)
		sc := &scope{loop: l, id: fmt.Sprintf("%sloop-%d-%d", prefix, l.Pos.Line, l.Pos.Column), label: loopLabel(l)}
		parent.scopes = append(parent.scopes, sc)
		scopes[l] = sc
		return sc
	}
	nodes := map[*planner.Op]string{}
	for _, op := range g.Ops {
		b := newBox(op, prefix)
		nodes[op] = b.node
		sc := scopeOf(op.Loop)
		sc.boxes = append(sc.boxes, b)
	}
	for _, ch := range g.Channels {
		s.arrows = append(s.arrows, newArrow(ch, prefix, nodes))
	}
	return s
}

// loopLabel names a loop as the .tdf writes it, with where it starts.
func loopLabel(l *lang.Loop) string {
	s := l.Kind + " " + l.Var.Name
	if l.Max != nil {
		s += " max " + l.Max.Text
	}
	return fmt.Sprintf("%s (%d:%d)", s, l.Pos.Line, l.Pos.Column)
}

func newBox(op *planner.Op, prefix string) *box {
	b := &box{
		op:      op,
		node:    fmt.Sprintf("%sop%d", prefix, op.ID),
		id:      fmt.Sprintf("%sop-%d", prefix, op.ID),
		classes: []string{"op", string(op.Kind)},
	}
	if n := op.Node; n != nil {
		b.rows = append(b.rows, row{memberText(n), posText(n.Pos)})
	}
	for _, st := range op.Stages {
		b.rows = append(b.rows, row{memberText(st), posText(st.Pos)})
	}
	if len(b.rows) > 1 {
		b.classes = append(b.classes, "fused")
	}
	if op.Kind == planner.CombineOp {
		b.classes = append(b.classes, "implied")
	}
	b.tooltip = fmt.Sprintf("operator %d (%s): %s at %s", op.ID, op.Name, op.Label(), posText(op.Pos))
	return b
}

// memberText is one member of an operator as the .tdf writes it, lambda
// bodies shortened.
func memberText(n *lang.Node) string {
	switch n.Op {
	case "loopvar":
		return n.Loop.Kind + " " + n.Name
	case "input":
		return "input " + n.Name + " " + planner.TypeText(n.Out)
	case "combine":
		return "combine (before " + n.Name + ")"
	case "join":
		return "join" // its inputs are the arrows into it
	case "read", "csv":
		// The checker fills in the optional arguments; show the file and
		// the record type as written.
		return fmt.Sprintf("%s(%s, %s)", n.Op, n.Args[0].Text, planner.TypeText(n.Out))
	}
	var args []string
	for _, a := range n.Args {
		args = append(args, a.Text)
	}
	if n.Name != "" {
		args = append(args, n.Name)
	}
	if n.Lambda != nil {
		args = append(args, lambdaText(n.Lambda))
	}
	switch {
	case n.Across:
		args = append(args, "across")
	case n.NoCombine:
		args = append(args, "nocombine")
	case n.Associative:
		args = append(args, "associative")
	}
	return n.Op + "(" + strings.Join(args, ", ") + ")"
}

// lambdaText is a lambda as written, its body cut to maxText characters.
func lambdaText(l *lang.LambdaInfo) string {
	params := strings.Join(l.Params, ", ")
	if len(l.Params) != 1 || l.Destructure {
		params = "(" + params + ")"
	}
	return params + " => " + shorten(l.Body)
}

// shorten puts s on one line and cuts it to maxText characters.
func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= maxText {
		return s
	}
	r := []rune(s)
	return string(r[:maxText-1]) + "…"
}

func posText(p lang.Pos) string { return fmt.Sprintf("%d:%d", p.Line, p.Column) }

func newArrow(ch *planner.Channel, prefix string, nodes map[*planner.Op]string) *arrow {
	a := &arrow{
		ch:   ch,
		from: nodes[ch.From],
		to:   nodes[ch.To],
		id:   fmt.Sprintf("%sch-%d", prefix, ch.ID),
		kind: "pipeline",
	}
	var first string
	switch {
	case ch.Key != nil:
		a.kind = "exchange"
		first = "exchange(" + lambdaText(ch.Key.Lambda) + ")"
		if ch.Key.Implied {
			a.kind = "implied"
			first = "implied " + first
		} else {
			first += " " + posText(ch.Key.Pos)
		}
	case ch.Broadcast != nil:
		a.kind = "broadcast"
		first = "broadcast " + posText(ch.Broadcast.Pos)
	}
	a.classes = []string{"ch", a.kind}
	if a.kind == "implied" {
		a.classes = []string{"ch", "exchange", "implied"}
	}
	var notes []string
	if ch.Partition != nil {
		notes = append(notes, fmt.Sprintf("part %d", ch.Part))
	}
	if ch.Enters() {
		notes = append(notes, "enter")
		a.classes = append(a.classes, "enter")
	}
	for _, c := range ch.Changes {
		notes = append(notes, string(c.Kind))
		a.classes = append(a.classes, string(c.Kind))
		if c.Kind == planner.Feedback {
			a.feedback = true
		}
	}
	if ch.To.Right != nil && ch.Port == ch.To.Right {
		notes = append(notes, "right input")
	}
	if ch.To.Arranged != nil && ch.Port == ch.To.Arranged {
		notes = append(notes, "arranged")
		a.classes = append(a.classes, "arranged")
	}
	if first != "" {
		a.label = append(a.label, first)
	}
	if len(notes) > 0 {
		a.label = append(a.label, strings.Join(notes, ", "))
	}
	a.label = append(a.label, planner.TypeText(ch.Type))
	return a
}
