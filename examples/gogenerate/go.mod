module example.com/gogenerate

go 1.26.8

tool github.com/tdflow/tdc/cmd/tdc

require github.com/tdflow/tdc v0.0.0

require (
	github.com/alecthomas/participle/v2 v2.1.4 // indirect
	github.com/dave/jennifer v1.7.1 // indirect
	golang.org/x/mod v0.30.0 // indirect
	golang.org/x/sync v0.18.0 // indirect
	golang.org/x/tools v0.39.0 // indirect
)

// Development against this checkout; a module of your own requires a
// released version instead and needs no replace.
replace github.com/tdflow/tdc => ../..
