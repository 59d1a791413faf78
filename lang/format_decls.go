package lang

// decl prints one top-level declaration.
func (p *printer) decl(d *Decl) {
	switch {
	case d.Type != nil:
		p.typeDecl(d.Type)
	case d.Param != nil:
		p.paramDecl(d.Param)
	case d.Operator != nil:
		p.operatorDecl(d.Operator)
	case d.Dataflow != nil:
		p.dataflow(d.Dataflow)
	}
}

// typeDecl prints type Name struct { fields }, the field types aligned.
func (p *printer) typeDecl(t *TypeDecl) {
	p.tok("type")
	p.sp()
	p.tok(t.Name.Name)
	p.sp()
	p.tok("struct")
	if p.emptyGroup() {
		p.tok("{")
		p.tok("}")
		return
	}
	p.sp()
	p.tok("{")
	for i, f := range t.Fields {
		p.breakLine(1, 0, blankUnless(i == 0))
		p.cont = 2
		p.tok(f.Name.Name)
		p.cell()
		p.typeExpr(f.Type)
	}
	p.closeBlock("}", 1, 0)
}

// typeExpr prints a type: Name, pkg.Name, []T, [N]T or (A, B).
func (p *printer) typeExpr(t *TypeExpr) {
	switch {
	case t.Tuple != nil:
		p.tok("(")
		for i, e := range t.Tuple {
			if i > 0 {
				p.tok(",")
				p.sp()
			}
			p.typeExpr(e)
		}
		p.tok(")")
	case t.Array != nil:
		p.tok("[")
		if t.Array.Len != "" {
			p.tok(t.Array.Len)
		}
		p.tok("]")
		p.typeExpr(t.Array.Elem)
	case t.Named != nil:
		if t.Named.Pkg != "" {
			p.tok(t.Named.Pkg)
			p.tok(".")
		}
		p.tok(t.Named.Name)
	}
}

// paramDecl prints param name Type [= default].
func (p *printer) paramDecl(d *ParamDecl) {
	p.tok("param")
	p.sp()
	p.tok(d.Name.Name)
	p.sp()
	p.typeExpr(d.Type)
	if d.Default == nil {
		return
	}
	p.sp()
	p.tok("=")
	p.sp()
	if d.Default.Neg {
		p.tok("-")
	}
	p.tok(d.Default.Value)
}

// operatorDecl prints operator name(in T, ...) [Out] { state and
// handlers }.
func (p *printer) operatorDecl(op *OperatorDecl) {
	p.tok("operator")
	p.sp()
	p.tok(op.Name.Name)
	p.tok("(")
	for i, in := range op.Inputs {
		if i > 0 {
			p.tok(",")
			p.sp()
		}
		p.tok(in.Name.Name)
		p.sp()
		p.typeExpr(in.Type)
	}
	p.tok(")")
	if op.Out != nil {
		p.sp()
		p.typeExpr(op.Out)
	}
	p.sp()
	if p.emptyGroup() {
		p.tok("{")
		p.tok("}")
		return
	}
	p.tok("{")
	first := true
	if op.State != nil {
		p.breakLine(1, 0, 0)
		p.cont = 2
		p.tok("state")
		p.sp()
		p.goCode(op.State.Pos, op.State.Text, goFields)
		first = false
	}
	for _, h := range op.Handlers {
		p.breakLine(1, 0, blankUnless(first))
		p.cont = 2
		first = false
		p.handler(h)
	}
	p.closeBlock("}", 1, 0)
}

// handler prints on input(params) { Go statements }.
func (p *printer) handler(h *Handler) {
	p.tok("on")
	p.sp()
	p.tok(h.Input.Name)
	p.tok("(")
	for i, id := range h.Params {
		if i > 0 {
			p.tok(",")
			p.sp()
		}
		p.tok(id.Name)
	}
	p.tok(")")
	p.sp()
	p.goCode(h.Body.Pos, h.Body.Text, goBody)
}
