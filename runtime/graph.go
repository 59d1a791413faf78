package runtime

import (
	"bytes"
	"errors"
	"fmt"
)

// OperatorInfo describes one operator of the plan. Every worker holds one
// instance of it.
type OperatorInfo struct {
	Name    string     `json:"name"`    // what the operator is, e.g. "count" or "lines+flat_map"
	Kind    string     `json:"kind"`    // the planner's kind of operator, e.g. "count" or "chain"
	Pos     string     `json:"pos"`     // where the .tdf file spells it, e.g. "wordcount.tdf:12:9"
	Inputs  []Location `json:"inputs"`  // its input ports
	Outputs []Location `json:"outputs"` // its output ports
}

// Graph is the static description of a dataflow: the planner produces it
// and generated code holds it as constants.
type Graph struct {
	// Name is the dataflow's name in the .tdf file.
	Name string
	// Fingerprint identifies the plan; processes of one computation agree
	// on it.
	Fingerprint string
	// Locations is the number of ports; ports are numbered 0..Locations-1.
	Locations int
	// Operators lists the operators, indexed like the instances that the
	// build function of [Computation.Start] returns.
	Operators []OperatorInfo
	// Paths is the transitive reachability between ports (see
	// [NewTracker]).
	Paths [][]Path
	// WorkerCapabilities lists the output ports where every worker's
	// instance starts holding one capability at the zero Time (sources).
	// The initial count at each is the number of workers.
	WorkerCapabilities []Location
	// HostCapabilities lists the output ports of host-fed inputs; the host
	// holds one capability at the zero Time at each (count 1), through the
	// [Input] created for it.
	HostCapabilities []Location
	// Channels describes the channels, indexed like the NewChannel calls
	// that create them, for the web view and /metrics.
	Channels []ChannelInfo
	// Picture is the plan drawn as SVG, for the web view: the group of
	// operator N has the id "op-N", that of channel N "ch-N". Nil when
	// the generated code has none.
	Picture []byte
	// Lambdas lists the functions that generated code made of the
	// program's lambdas, so that a panic inside one names the lambda's
	// position rather than its operator's.
	Lambdas []LambdaSite
}

// ChannelInfo describes one channel of the plan.
type ChannelInfo struct {
	From int    `json:"from"` // the operator that sends into it
	To   int    `json:"to"`   // the operator that reads it
	Kind string `json:"kind"` // "pipeline", "exchange" or "broadcast"
}

// LambdaSite is a generated lambda function and where the program has it.
type LambdaSite struct {
	Func string // the generated function's name, e.g. "wordCountMap14_23"
	Op   string // the operator the lambda belongs to, e.g. "map"
	Pos  string // the lambda's position, e.g. "wordcount.tdf:14:23"
}

// lambdaInStack finds the innermost lambda in a goroutine stack trace.
func (g *Graph) lambdaInStack(stack []byte) (LambdaSite, bool) {
	best, bestAt := LambdaSite{}, -1
	for _, site := range g.Lambdas {
		at := bytes.Index(stack, []byte("."+site.Func+"("))
		if at >= 0 && (bestAt < 0 || at < bestAt) {
			best, bestAt = site, at
		}
	}
	return best, bestAt >= 0
}

// validate checks that every port the graph names is in range and that
// no port is the input of two operators.
func (g *Graph) validate() error {
	if g.Locations < 0 {
		return fmt.Errorf("graph %s: negative number of locations", g.Name)
	}
	if len(g.Paths) > g.Locations {
		return fmt.Errorf("graph %s: %d path lists for %d locations", g.Name, len(g.Paths), g.Locations)
	}
	var errs []error
	check := func(what string, loc Location) {
		if loc < 0 || int(loc) >= g.Locations {
			errs = append(errs, fmt.Errorf("graph %s: %s: location %d out of range [0, %d)", g.Name, what, loc, g.Locations))
		}
	}
	for l, ps := range g.Paths {
		for _, p := range ps {
			check(fmt.Sprintf("path from %d", l), p.Target)
		}
	}
	owner := make(map[Location]int)
	for i, op := range g.Operators {
		for _, loc := range op.Inputs {
			check(fmt.Sprintf("operator %d (%s) input", i, op.Name), loc)
			if j, dup := owner[loc]; dup {
				errs = append(errs, fmt.Errorf("graph %s: location %d is an input of operators %d and %d", g.Name, loc, j, i))
			}
			owner[loc] = i
		}
		for _, loc := range op.Outputs {
			check(fmt.Sprintf("operator %d (%s) output", i, op.Name), loc)
		}
	}
	for _, loc := range g.WorkerCapabilities {
		check("worker capability", loc)
	}
	for _, loc := range g.HostCapabilities {
		check("host capability", loc)
	}
	return errors.Join(errs...)
}

// inputOperators returns, for every location, the operator whose input it
// is, or -1.
func (g *Graph) inputOperators() []int {
	ops := make([]int, g.Locations)
	for i := range ops {
		ops[i] = -1
	}
	for i, op := range g.Operators {
		for _, loc := range op.Inputs {
			ops[loc] = i
		}
	}
	return ops
}
