package codegen

import (
	"fmt"

	"github.com/tdflow/tdc/lang"
	"github.com/tdflow/tdc/planner"
)

// nameOperators chooses the Go type of every operator: the dataflow's
// prefix and the planner's name for the operator (wordCountCountPrint9),
// so that profiles, stack traces and the web view name the operator and
// its .tdf line. The planner's names are unique in a dataflow; a name
// that some other top-level name of the file already takes (a record, a
// lambda, another dataflow's operator) gets the operator's index too.
func (g *gen) nameOperators(graphs []*planner.Graph) {
	taken := map[string]bool{"Params": true, "DefaultParams": true, "Time": true}
	for n := 2; n <= 4; n++ {
		taken[fmt.Sprintf("Tuple%d", n)] = true
	}
	for _, r := range g.prog.Records {
		taken[r.Name] = true
	}
	for _, op := range g.prog.Operators {
		taken[op.StateType()] = true
	}
	for i, gr := range graphs {
		api, prefix := exported(gr.Name), unexported(gr.Name)
		for _, name := range []string{api, api + "Config", api + "Fingerprint", "New" + api, "Run" + api, "Default" + api + "Config", prefix + "Graph"} {
			taken[name] = true
		}
		for _, n := range g.prog.Dataflows[i].Nodes {
			if n.Lambda != nil {
				taken[lambdaName(prefix, n)] = true
			}
			for _, a := range n.Args {
				taken[argMethodName(prefix, a)] = true
			}
			if lp := n.Inner; lp != nil && lp.Max != nil {
				taken[argMethodName(prefix, lp.Max)] = true
			}
		}
	}
	for _, gr := range graphs {
		prefix := unexported(gr.Name)
		for _, op := range gr.Ops {
			name := prefix + op.Name
			for i := 0; taken[name]; i++ {
				name = fmt.Sprintf("%s%sOp%d", prefix, op.Name, op.ID)
				if i > 0 {
					name += fmt.Sprintf("_%d", i)
				}
			}
			taken[name] = true
			g.opTypes[op] = name
		}
	}
}

// lambdaName is the name of the function generated for the lambda of
// node: the dataflow's prefix, the operator and the lambda's position.
func lambdaName(prefix string, node *lang.Node) string {
	l := node.Lambda
	return fmt.Sprintf("%s%s%d_%d", prefix, camel(node.Op), l.Pos.Line, l.Pos.Column)
}
