package codegen

import (
	"fmt"
	"go/scanner"
	"go/token"

	"github.com/dave/jennifer/jen"

	"github.com/tdflow/tdc/lang"
	"github.com/tdflow/tdc/planner"
	"github.com/tdflow/tdc/planner/picture"
	tdrt "github.com/tdflow/tdc/runtime"
)

// dfGen generates one dataflow.
type dfGen struct {
	*gen
	gr     *planner.Graph
	api    string // exported name, e.g. WordCount
	prefix string // unexported prefix, e.g. wordCount
}

// dataflow emits everything of one planned dataflow.
func (g *gen) dataflow(gr *planner.Graph) {
	d := &dfGen{gen: g, gr: gr, api: exported(gr.Name), prefix: unexported(gr.Name)}
	d.graphVar()
	d.config()
	d.dataflowType()
	d.build()
	for _, op := range gr.Ops {
		d.operator(op)
	}
}

// picture returns the plan drawn as SVG for a binary's web view, or nil
// for a Go API (whose page lists the operators instead, keeping the
// committed generated files small) or when it cannot be drawn.
func (d *dfGen) picture() []byte {
	if !d.opts.Main {
		return nil
	}
	svg, err := picture.SVG(d.gr)
	if err != nil {
		return nil
	}
	return svg
}

// channelKind names how a channel routes its records, for the web view
// and /metrics.
func channelKind(ch *planner.Channel) string {
	switch {
	case ch.Broadcast != nil:
		return "broadcast"
	case ch.Key != nil:
		return "exchange"
	}
	return "pipeline"
}

// graphVar emits the fingerprint and the runtime's description of the plan.
func (d *dfGen) graphVar() {
	d.f.Commentf("%sFingerprint identifies the plan of dataflow %s; processes of one computation agree on it.", d.api, d.gr.Name)
	d.f.Const().Id(d.api + "Fingerprint").Op("=").Lit(d.gr.Fingerprint)
	var ops []jen.Code
	for _, op := range d.gr.Ops {
		info := jen.Dict{jen.Id("Name"): jen.Lit(op.Label()), jen.Id("Kind"): jen.Lit(string(op.Kind)), jen.Id("Pos"): jen.Lit(d.pos(op.Pos))}
		if op.Right != nil {
			info[jen.Id("Inputs")] = locs(op.In.Loc, op.Right.Loc)
		} else if op.In != nil {
			info[jen.Id("Inputs")] = locs(op.In.Loc)
		}
		if op.Out != nil {
			info[jen.Id("Outputs")] = locs(op.Out.Loc)
		}
		ops = append(ops, jen.Values(info))
	}
	var paths []jen.Code
	for l, reach := range d.gr.Paths {
		if len(reach) == 0 {
			continue
		}
		var ps []jen.Code
		for _, r := range reach {
			path := jen.Dict{jen.Id("Target"): jen.Lit(r.Target)}
			if r.Summary != (tdrt.Summary{}) {
				path[jen.Id("Summary")] = summaryValue(r.Summary)
			}
			ps = append(ps, jen.Values(path))
		}
		paths = append(paths, jen.Lit(l).Op(":").Values(ps...))
	}
	var chans []jen.Code
	for _, ch := range d.gr.Channels {
		chans = append(chans, jen.Values(jen.Dict{jen.Id("From"): jen.Lit(ch.From.ID), jen.Id("To"): jen.Lit(ch.To.ID), jen.Id("Kind"): jen.Lit(channelKind(ch))}))
	}
	fields := jen.Dict{
		jen.Id("Channels"):    jen.Index().Qual(rt, "ChannelInfo").Values(chans...),
		jen.Id("Name"):        jen.Lit(d.gr.Name),
		jen.Id("Fingerprint"): jen.Id(d.api + "Fingerprint"),
		jen.Id("Locations"):   jen.Lit(d.gr.Locations),
		jen.Id("Operators"):   jen.Index().Qual(rt, "OperatorInfo").Values(ops...),
		jen.Id("Paths"):       jen.Index().Index().Qual(rt, "Path").Values(paths...),
	}
	if len(d.gr.WorkerCaps) > 0 {
		fields[jen.Id("WorkerCapabilities")] = locs(d.gr.WorkerCaps...)
	}
	if len(d.gr.HostCaps) > 0 {
		fields[jen.Id("HostCapabilities")] = locs(d.gr.HostCaps...)
	}
	if sites := d.lambdaSites(); len(sites) > 0 {
		fields[jen.Id("Lambdas")] = jen.Index().Qual(rt, "LambdaSite").Values(sites...)
	}
	if svg := d.picture(); svg != nil {
		fields[jen.Id("Picture")] = jen.Index().Byte().Parens(jen.Id(d.prefix + "Picture"))
		d.f.Commentf("%sPicture is the plan of dataflow %s drawn as SVG, for the web view (-http).", d.prefix, d.gr.Name)
		d.f.Const().Id(d.prefix + "Picture").Op("=").Lit(string(svg))
	}
	d.f.Commentf("%sGraph is the plan of dataflow %s: operators, ports and the paths between ports.", d.prefix, d.gr.Name)
	d.f.Var().Id(d.prefix+"Graph").Op("=").Op("&").Qual(rt, "Graph").Values(fields)
}

// lambdaSites lists the dataflow's lambda functions with their
// positions, for naming the lambda that panics.
func (d *dfGen) lambdaSites() []jen.Code {
	var sites []jen.Code
	for _, op := range d.gr.Ops {
		nodes := append([]*lang.Node(nil), op.Stages...)
		if op.Node != nil {
			nodes = append(nodes, op.Node)
		}
		if op.Out != nil {
			for _, ch := range op.Out.Channels {
				if ch.Key != nil {
					nodes = append(nodes, ch.Key)
				}
			}
		}
		if op.Kind == planner.CustomOp {
			def := op.Node.Operator
			site := func(h *lang.HandlerDef, in *lang.OperatorInputDef) {
				sites = append(sites, jen.Values(jen.Dict{
					jen.Id("Func"): jen.Lit(fmt.Sprintf("(*%s).%s", def.StateType(), handlerName(in))),
					jen.Id("Op"):   jen.Lit(def.Name),
					jen.Id("Pos"):  jen.Lit(d.pos(h.Pos)),
				}))
			}
			for _, in := range def.Inputs {
				site(in.Handler, in)
			}
			if def.Notify != nil {
				site(def.Notify, nil)
			}
		}
		for _, n := range nodes {
			if n.Lambda == nil {
				continue
			}
			sites = append(sites, jen.Values(jen.Dict{
				jen.Id("Func"): jen.Lit(d.lambda(d.prefix, n)),
				jen.Id("Op"):   jen.Lit(n.Op),
				jen.Id("Pos"):  jen.Lit(d.pos(n.Lambda.Pos)),
			}))
		}
	}
	return sites
}

// summaryValue spells a path summary as a runtime Summary literal.
func summaryValue(s tdrt.Summary) jen.Code {
	var adds []jen.Code
	for _, a := range s.Add {
		adds = append(adds, jen.Lit(int(a)))
	}
	return jen.Qual(rt, "Summary").Values(jen.Dict{
		jen.Id("Set"): jen.Lit(int(s.Set)),
		jen.Id("Add"): jen.Index(jen.Qual(rt, "MaxLoopDepth")).Uint32().Values(adds...),
	})
}

func locs(ls ...int) jen.Code {
	var vs []jen.Code
	for _, l := range ls {
		vs = append(vs, jen.Lit(l))
	}
	return jen.Index().Qual(rt, "Location").Values(vs...)
}

// outputs lists the output sinks of the dataflow, in plan order.
func (d *dfGen) outputs() []*lang.Node { return d.stagesOf("output") }

// captures lists the capture sinks of the dataflow, in plan order.
func (d *dfGen) captures() []*lang.Node { return d.stagesOf("capture") }

// stagesOf lists the dataflow's stages of one operator, in plan order.
func (d *dfGen) stagesOf(name string) []*lang.Node {
	var nodes []*lang.Node
	for _, op := range d.gr.Ops {
		for _, st := range op.Stages {
			if st.Op == name {
				nodes = append(nodes, st)
			}
		}
	}
	return nodes
}

// probes lists the probe operators of the dataflow.
func (d *dfGen) probes() []*planner.Op { return d.opsOf(planner.ProbeOp) }

// inputs lists the input operators of the dataflow.
func (d *dfGen) inputs() []*planner.Op { return d.opsOf(planner.InputOp) }

// opsOf lists the dataflow's operators of one kind, in plan order.
func (d *dfGen) opsOf(kind planner.OpKind) []*planner.Op {
	var ops []*planner.Op
	for _, op := range d.gr.Ops {
		if op.Kind == kind {
			ops = append(ops, op)
		}
	}
	return ops
}

// config emits the dataflow's Config struct and its default.
func (d *dfGen) config() {
	fields := []jen.Code{
		jen.Comment("Runtime sets the number of workers and where printed lines go.").Line().Id("Runtime").Qual(rt, "Config"),
		jen.Comment("Params are the values of the file's params.").Line().Id("Params").Id("Params"),
	}
	for _, out := range d.outputs() {
		fields = append(fields, jen.Commentf("On%s receives the records of output %s (%s), on the worker goroutines and so", exported(out.Name), out.Name, d.pos(out.Pos)).Line().
			Comment("concurrently; when nil, the records are printed like print() does.").Line().
			Id("On"+exported(out.Name)).Func().Params(jen.Id("t").Qual(rt, "Time"), jen.Id("rec").Add(d.typ(out.Inputs[0].Out))))
	}
	d.f.Commentf("%sConfig configures a run of dataflow %s.", d.api, d.gr.Name)
	d.f.Type().Id(d.api + "Config").Struct(fields...)
	d.f.Commentf("Default%sConfig returns a configuration with one worker, printing to standard output, and the params' defaults.", d.api)
	d.f.Func().Id("Default" + d.api + "Config").Params().Id(d.api + "Config").Block(
		jen.Return(jen.Id(d.api + "Config").Values(jen.Dict{
			jen.Id("Runtime"): jen.Qual(rt, "DefaultConfig").Call(),
			jen.Id("Params"):  jen.Id("DefaultParams").Call(),
		})),
	)
}

// chanName is the field of the dataflow struct holding a channel.
func chanName(ch *planner.Channel) string { return fmt.Sprintf("ch%d", ch.ID) }

// dataflowType emits the dataflow struct, its constructor and its
// Start, Wait and Run methods.
func (d *dfGen) dataflowType() {
	fields := []jen.Code{
		jen.Id("cfg").Id(d.api + "Config"),
		jen.Id("comp").Op("*").Qual(rt, "Computation"),
	}
	for _, ch := range d.gr.Channels {
		fields = append(fields, jen.Id(chanName(ch)).Op("*").Qual(rt, "Channel").Types(d.typ(ch.Type)))
	}
	for _, in := range d.inputs() {
		fields = append(fields,
			jen.Id(fmt.Sprintf("host%d", in.ID)).Op("*").Qual(rt, "Channel").Types(d.typ(in.In.Type)),
			jen.Commentf("%s feeds input %s (%s): records sent at the current epoch reach the workers;", exported(in.Node.Name), in.Node.Name, d.pos(in.Pos)).Line().
				Comment("AdvanceTo starts a later epoch, and Close ends the input.").Line().
				Id(exported(in.Node.Name)).Op("*").Qual(rt, "Input").Types(d.typ(in.In.Type)))
	}
	for _, c := range d.captures() {
		fields = append(fields,
			jen.Commentf("%s collects the records of capture %s (%s); read them after Wait.", exported(c.Name), c.Name, d.pos(c.Pos)).Line().
				Id(exported(c.Name)).Op("*").Qual(rt, "Capture").Types(d.typ(c.Inputs[0].Out)))
	}
	for _, p := range d.probes() {
		fields = append(fields,
			jen.Commentf("%s watches probe %s (%s): Wait(ctx, e) returns once epoch e has passed it.", exported(p.Node.Name), p.Node.Name, d.pos(p.Pos)).Line().
				Id(exported(p.Node.Name)).Op("*").Qual(rt, "Probe"))
	}
	d.f.Commentf("%s is dataflow %s (%s), set up to run on the workers of this process.", d.api, d.gr.Name, d.pos(d.gr.Pos))
	d.f.Type().Id(d.api).Struct(fields...)

	body := []jen.Code{
		jen.List(jen.Id("comp"), jen.Err()).Op(":=").Qual(rt, "NewComputation").Call(jen.Id("cfg").Dot("Runtime"), jen.Id(d.prefix+"Graph")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.Id("df").Op(":=").Op("&").Id(d.api).Values(jen.Dict{jen.Id("cfg"): jen.Id("cfg"), jen.Id("comp"): jen.Id("comp")}),
	}
	for _, op := range d.gr.Ops {
		if op.Kind == planner.LinesOp {
			// Processes of one computation compare the files they read.
			// The path's method is emitted with the operator (build).
			path := jen.Id("df").Dot("cfg").Dot("Params").Dot(argMethodName(d.prefix, op.Node.Args[0])).Call()
			body = append(body, jen.Id("comp").Dot("InputFile").Call(jen.Lit(d.pos(op.Pos)), path))
		}
	}
	for _, ch := range d.gr.Channels {
		body = append(body, jen.Id("df").Dot(chanName(ch)).Op("=").Qual(rt, "NewChannel").Types(d.typ(ch.Type)).Call(jen.Id("comp"), jen.Lit(ch.Port.Loc), jen.Lit(ch.To.ID)))
		if ch.CrossesWorkers() && serializable(ch.Type) {
			body = append(body, jen.Id("df").Dot(chanName(ch)).Dot("SetCodec").Call(d.codec(ch.Type)))
		}
	}
	for _, in := range d.inputs() {
		host := fmt.Sprintf("host%d", in.ID)
		body = append(body,
			jen.Id("df").Dot(host).Op("=").Qual(rt, "NewChannel").Types(d.typ(in.In.Type)).Call(jen.Id("comp"), jen.Lit(in.In.Loc), jen.Lit(in.ID)),
			jen.Id("df").Dot(exported(in.Node.Name)).Op("=").Qual(rt, "NewInput").Call(jen.Id("comp"), jen.Lit(in.HostLoc), jen.Id("df").Dot(host)))
	}
	for _, p := range d.probes() {
		body = append(body, jen.Id("df").Dot(exported(p.Node.Name)).Op("=").Qual(rt, "NewProbe").Call(jen.Id("comp"), jen.Lit(p.In.Loc)))
	}
	for _, c := range d.captures() {
		body = append(body, jen.Id("df").Dot(exported(c.Name)).Op("=").Qual(rt, "NewCapture").Types(d.typ(c.Inputs[0].Out)).Call(jen.Id("comp")))
	}
	body = append(body, jen.Return(jen.Id("df"), jen.Nil()))
	d.f.Commentf("New%s prepares dataflow %s. Start it, feed its inputs, then Wait.", d.api, d.gr.Name)
	d.f.Func().Id("New"+d.api).Params(jen.Id("cfg").Id(d.api+"Config")).Params(jen.Op("*").Id(d.api), jen.Error()).Block(body...)

	recv := jen.Id("df").Op("*").Id(d.api)
	d.f.Comment("Start starts the workers; they run until the dataflow is complete, it fails, or ctx ends.")
	d.f.Func().Params(recv).Id("Start").Params(jen.Id("ctx").Qual("context", "Context")).Block(
		jen.Id("df").Dot("comp").Dot("Start").Call(jen.Id("ctx"), jen.Id("df").Dot("build")),
	)
	d.f.Comment("Wait waits for the workers to finish and returns the first error of any of them.")
	d.f.Func().Params(recv).Id("Wait").Params().Error().Block(
		jen.Return(jen.Id("df").Dot("comp").Dot("Wait").Call()),
	)
	if len(d.inputs()) == 0 {
		d.f.Commentf("Run%s runs dataflow %s to completion.", d.api, d.gr.Name)
		d.f.Func().Id("Run"+d.api).Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("cfg").Id(d.api+"Config")).Error().Block(
			jen.List(jen.Id("df"), jen.Err()).Op(":=").Id("New"+d.api).Call(jen.Id("cfg")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			jen.Return(jen.Id("df").Dot("comp").Dot("Run").Call(jen.Id("ctx"), jen.Id("df").Dot("build"))),
		)
	}
}

// build emits the method that creates one worker's operator instances.
func (d *dfGen) build() {
	var body []jen.Code
	var ops []jen.Code
	for _, op := range d.gr.Ops {
		body = append(body, d.newOperator(op)...)
		ops = append(ops, jen.Id(fmt.Sprintf("op%d", op.ID)))
	}
	body = append(body, jen.Return(jen.Index().Qual(rt, "Operator").Values(ops...), jen.Nil()))
	d.f.Comment("build creates the operators of one worker, indexed like the plan's.")
	d.f.Func().Params(jen.Id("df").Op("*").Id(d.api)).Id("build").Params(jen.Id("w").Op("*").Qual(rt, "Worker")).
		Params(jen.Index().Qual(rt, "Operator"), jen.Error()).Block(body...)
}

// identifiers lists the identifiers in Go source text that are not
// selected from something (x in x.y, not y).
func identifiers(src string) []string {
	var s scanner.Scanner
	fset := token.NewFileSet()
	s.Init(fset.AddFile("", -1, len(src)), []byte(src), nil, 0)
	var ids []string
	prev := token.ILLEGAL
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return ids
		}
		if tok == token.IDENT && prev != token.PERIOD {
			ids = append(ids, lit)
		}
		prev = tok
	}
}
