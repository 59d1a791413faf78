package planner

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/types"
	"strings"

	"github.com/tdflow/tdc/lang"
	tdrt "github.com/tdflow/tdc/runtime"
)

// String prints the graph in a stable text form, used by golden tests and
// by tdc graph. Positions are line:col in the .tdf file.
func (g *Graph) String() string {
	return g.text(true)
}

// text prints the graph; with positions false it is the canonical form
// the fingerprint hashes, which does not change when only comments or
// layout of the .tdf change.
func (g *Graph) text(positions bool) string {
	var b strings.Builder
	pos := func(p lang.Pos) string {
		if !positions {
			return ""
		}
		return fmt.Sprintf(" @%d:%d", p.Line, p.Column)
	}
	fmt.Fprintf(&b, "dataflow %s\n", g.Name)
	for _, op := range g.Ops {
		fmt.Fprintf(&b, "op %d %s%s%s\n", op.ID, op.Kind, loopText(op.Loop, pos), pos(op.Pos))
		if op.Kind == InputOp {
			fmt.Fprintf(&b, "  host loc %d\n", op.HostLoc)
		}
		if op.In != nil {
			fmt.Fprintf(&b, "  in loc %d %s%s\n", op.In.Loc, TypeText(op.In.Type), channelList(" from", op.In.Channels))
		}
		if op.Right != nil {
			fmt.Fprintf(&b, "  right loc %d %s%s\n", op.Right.Loc, TypeText(op.Right.Type), channelList(" from", op.Right.Channels))
		}
		if op.Arranged != nil {
			fmt.Fprintf(&b, "  arranged loc %d depth %d\n", op.Arranged.Loc, op.ArrangedDepth)
		}
		if n := op.Node; n != nil {
			fmt.Fprintf(&b, "  %s%s%s\n", n.Op, nodeArgs(n), pos(n.Pos))
		}
		for _, st := range op.Stages {
			fmt.Fprintf(&b, "  stage %s%s%s\n", st.Op, nodeArgs(st), pos(st.Pos))
		}
		if op.Out != nil {
			fmt.Fprintf(&b, "  out loc %d %s%s\n", op.Out.Loc, TypeText(op.Out.Type), channelList(" to", op.Out.Channels))
		}
	}
	for _, ch := range g.Channels {
		kind := "pipeline"
		if ch.Key != nil {
			kind = fmt.Sprintf("exchange(%s)%s", lambdaText(ch.Key.Lambda), pos(ch.Key.Pos))
			if ch.Key.Implied {
				kind += " implied"
			}
		}
		if ch.Broadcast != nil {
			kind = fmt.Sprintf("broadcast%s", pos(ch.Broadcast.Pos))
		}
		if ch.Partition != nil {
			kind += fmt.Sprintf(" part %d", ch.Part)
		}
		if ch.Enters() {
			kind += " enter"
		}
		for _, c := range ch.Changes {
			kind += fmt.Sprintf(" %s(%d)", c.Kind, c.Loop.Depth)
		}
		fmt.Fprintf(&b, "channel %d op %d -> op %d %s %s\n", ch.ID, ch.From.ID, ch.To.ID, TypeText(ch.Type), kind)
	}
	for l, reach := range g.Paths {
		fmt.Fprintf(&b, "paths %d ->%s\n", l, reachList(reach))
	}
	fmt.Fprintf(&b, "worker capabilities%s\n", intList(g.WorkerCaps))
	fmt.Fprintf(&b, "host capabilities%s\n", intList(g.HostCaps))
	if positions {
		fmt.Fprintf(&b, "fingerprint %s\n", g.Fingerprint)
	}
	return b.String()
}

// loopText names the loop an operator is in, with its bound.
func loopText(l *lang.Loop, pos func(lang.Pos) string) string {
	if l == nil {
		return ""
	}
	s := fmt.Sprintf(" in %s %s", l.Kind, l.Var.Name)
	if l.Max != nil {
		s += " max " + l.Max.Text
	}
	return s + pos(l.Pos)
}

// fingerprint hashes the canonical text of the graph.
func fingerprint(g *Graph) string {
	sum := sha256.Sum256([]byte(g.text(false)))
	return hex.EncodeToString(sum[:8])
}

func nodeArgs(n *lang.Node) string {
	switch {
	case n.Across:
		return "(across)"
	case n.NoCombine:
		return "(nocombine)"
	case n.Op == "combine":
		return " " + n.Name
	case n.Lambda != nil:
		return "(" + lambdaText(n.Lambda) + ")"
	case len(n.Args) > 0:
		var args []string
		for _, a := range n.Args {
			args = append(args, a.Text)
		}
		return "(" + strings.Join(args, ", ") + ")"
	case n.Name != "":
		return " " + n.Name
	}
	return ""
}

func lambdaText(l *lang.LambdaInfo) string {
	params := strings.Join(l.Params, ", ")
	if len(l.Params) != 1 {
		params = "(" + params + ")"
	}
	return params + " => " + l.Body
}

func channelList(prefix string, chans []*Channel) string {
	if len(chans) == 0 {
		return ""
	}
	var ids []string
	for _, ch := range chans {
		ids = append(ids, fmt.Sprintf("ch%d", ch.ID))
	}
	return prefix + " " + strings.Join(ids, " ")
}

// reachList prints targets, each with its summary unless the identity.
func reachList(rs []Reach) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, " %d", r.Target)
		if r.Summary != (tdrt.Summary{}) {
			fmt.Fprintf(&b, "(%v)", r.Summary)
		}
	}
	return b.String()
}

func intList(xs []int) string {
	var b strings.Builder
	for _, x := range xs {
		fmt.Fprintf(&b, " %d", x)
	}
	return b.String()
}

// TypeText spells a type as plans and pictures show it: packages by
// name, the program's own package unqualified, "-" for none.
func TypeText(t types.Type) string {
	if t == nil {
		return "-"
	}
	return types.TypeString(t, func(p *types.Package) string {
		if strings.HasPrefix(p.Path(), "tdc.local/") {
			return ""
		}
		return p.Name()
	})
}
