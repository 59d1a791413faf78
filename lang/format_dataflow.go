package lang

// dataflow prints dataflow Name { statements }.
func (p *printer) dataflow(df *Dataflow) {
	p.tok("dataflow")
	p.sp()
	p.tok(df.Name.Name)
	p.sp()
	p.body(df.Stmts, 0)
}

// body prints { statements } of a dataflow or loop on a line indented by
// indent, the statements one level deeper.
func (p *printer) body(stmts []*Stmt, indent int) {
	if p.emptyGroup() {
		p.tok("{")
		p.tok("}")
		return
	}
	p.tok("{")
	for i, s := range stmts {
		p.breakLine(indent+1, 0, blankUnless(i == 0))
		p.cont = indent + 2
		p.stmt(s, indent+1)
	}
	p.closeBlock("}", indent+1, indent)
}

// stmt prints one statement on a line indented by indent.
func (p *printer) stmt(s *Stmt, indent int) {
	switch {
	case s.Input != nil:
		p.tok("input")
		p.sp()
		p.tok(s.Input.Name.Name)
		p.sp()
		p.typeExpr(s.Input.Type)
	case s.Loop != nil:
		p.loop(s.Loop, indent)
	case s.Pipeline != nil:
		p.pipeline(s.Pipeline, indent)
	}
}

// loop prints [name :=] loop var := seed [max N] { statements }.
func (p *printer) loop(l *LoopStmt, indent int) {
	if l.Bind != nil {
		p.bind(l.Bind)
	}
	p.tok(l.Kind)
	p.sp()
	p.tok(l.Var.Name)
	p.sp()
	p.tok(":=")
	p.sp()
	p.tok(l.Seed.Name)
	p.sp()
	if l.Max != nil {
		p.tok("max")
		p.sp()
		p.tok(l.Max.Value)
		p.sp()
	}
	p.body(l.Stmts, indent)
}

// bind prints name :=.
func (p *printer) bind(names ...*Ident) {
	for i, id := range names {
		if i > 0 {
			p.tok(",")
			p.sp()
		}
		p.tok(id.Name)
	}
	p.sp()
	p.tok(":=")
	p.sp()
}

// pipeline prints [names :=] head -> op ...: on one line when it was
// written on one, else with every "->" starting a line of its own,
// indented one level deeper than the statement.
func (p *printer) pipeline(pl *Pipeline, indent int) {
	if pl.Bind != nil {
		p.bind(append([]*Ident{pl.Bind}, pl.More...)...)
	}
	p.call(pl.Head)
	broken := p.brokenPipeline(pl)
	for _, op := range pl.Ops {
		if broken {
			p.breakLine(indent+1, 0, 0)
		} else {
			p.sp()
		}
		p.tok("->")
		p.sp()
		p.call(op)
	}
}

// brokenPipeline reports whether one of the arrows of pl, or a stage
// after one, starts a line in the source.
func (p *printer) brokenPipeline(pl *Pipeline) bool {
	for _, op := range pl.Ops {
		i := p.indexAt(op.Pos.Offset)
		if p.startsLine(i-1) || p.startsLine(i) {
			return true
		}
	}
	return false
}

// call prints name or name(args).
func (p *printer) call(c *Call) {
	p.tok(c.Name.Name)
	if c.Args != nil {
		p.args(c.Args.Args)
	}
}

// args prints (arg, ...). The line breaks of the source after "(" and
// after commas are kept, as gofmt keeps them, the arguments that start
// lines indented one level deeper than the call's line; when ")" was on
// a line of its own it stays there, after a comma.
func (p *printer) args(args []*Arg) {
	p.tok("(")
	base := p.cur.indent
	if len(args) == 0 {
		if t := p.peek(")"); p.commentBefore(t.Pos.Offset) && p.startsLine(p.next) {
			p.closeBlock(")", base+1, base)
		} else {
			p.tok(")")
		}
		return
	}
	for i, a := range args {
		if i > 0 {
			p.tok(",")
		}
		if p.startsLine(p.indexAt(a.Pos.Offset)) {
			p.breakLine(base+1, 0, 0)
		} else if i > 0 {
			p.sp()
		}
		saved := p.cont
		p.cont = base + 2
		p.arg(a, argKind(len(args)))
		p.cont = saved
	}
	trailing := p.has(",")
	i := p.next
	if trailing {
		i++
	}
	if p.startsLine(i) {
		if trailing {
			p.tok(",")
		} else {
			p.write(",")
		}
		p.closeBlock(")", base+1, base)
		return
	}
	if trailing {
		p.drop(",")
	}
	p.tok(")")
}

// arg prints a lambda, or a Go expression of the given kind.
func (p *printer) arg(a *Arg, kind goKind) {
	if a.Expr != nil {
		p.goCode(a.Expr.Pos, a.Expr.Text, kind)
		return
	}
	l := a.Lambda
	if p.has("(") {
		p.tok("(")
		for i, id := range l.Params {
			if i > 0 {
				p.tok(",")
				p.sp()
			}
			p.tok(id.Name)
		}
		p.tok(")")
	} else {
		p.tok(l.Params[0].Name)
	}
	p.sp()
	p.tok("=>")
	p.sp()
	p.goCode(l.Body.Pos, l.Body.Text, lambdaKind(l.Body.Text))
}
