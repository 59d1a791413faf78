package lang

import (
	"go/ast"
	"go/types"
)

// A lambda that ends its process (os.Exit, log.Fatal) or its goroutine
// (runtime.Goexit) does so behind the runtime's back: the other
// processes see this one vanish, the output not yet written is lost, and
// with one process a partial answer may exit 0; a Goexit leaves the
// worker's operators unrun and the computation hanging. The checker
// refuses such calls when the Go of the .tdf file makes them itself.
// (Calls through a function value or a function of another file go
// unseen.)

// processExits are the functions a lambda must not call, with what to
// say.
var processExits = map[string]string{
	"os.Exit":               exitWhy,
	"syscall.Exit":          exitWhy,
	"log.Fatal":             fatalWhy,
	"log.Fatalf":            fatalWhy,
	"log.Fatalln":           fatalWhy,
	"(*log.Logger).Fatal":   fatalWhy,
	"(*log.Logger).Fatalf":  fatalWhy,
	"(*log.Logger).Fatalln": fatalWhy,
	"runtime.Goexit":        "ends the worker's goroutine, which hangs the computation",
}

const (
	exitWhy  = "ends this process behind the computation's back (the other processes see it vanish, and output not yet written is lost)"
	fatalWhy = "calls os.Exit, which " + exitWhy
)

// checkExits reports the calls of f to the functions of processExits.
func (s *goSession) checkExits(f *ast.File) {
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		var id *ast.Ident
		switch fun := ast.Unparen(call.Fun).(type) {
		case *ast.SelectorExpr:
			id = fun.Sel
		case *ast.Ident:
			id = fun
		default:
			return true
		}
		fn, ok := s.info.Uses[id].(*types.Func)
		if !ok {
			return true
		}
		why := processExits[fn.FullName()]
		if why == "" {
			return true
		}
		s.errs.Addf(s.position(call.Pos()), "%s %s; return an error instead (as the lambda's last result, or with fail(err) in a handler): it stops the computation on every process, naming this position", fn.FullName(), why)
		return true
	})
}
