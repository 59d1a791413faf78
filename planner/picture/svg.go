package picture

import (
	"bytes"
	"context"
	"fmt"
	"sync"

	"github.com/goccy/go-graphviz"

	"github.com/tdflow/tdc/planner"
)

// SVG returns the dataflow drawn as an SVG document, laid out by
// Graphviz's dot engine from the text DOT returns. The groups of
// operators and channels have the ids and classes the package doc lists.
func SVG(g *planner.Graph) ([]byte, error) {
	return render(DOT(g))
}

// ProgramSVG returns the dataflows of a program drawn in one SVG
// document, from the text ProgramDOT returns.
func ProgramSVG(graphs []*planner.Graph) ([]byte, error) {
	return render(ProgramDOT(graphs))
}

// renderMu serializes rendering: Graphviz runs in one WebAssembly
// instance per process, whose memory is not safe for concurrent calls.
var renderMu sync.Mutex

// render lays out DOT text and renders it as SVG.
func render(dot []byte) ([]byte, error) {
	renderMu.Lock()
	defer renderMu.Unlock()
	ctx := context.Background()
	gv, err := graphviz.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("picture: starting graphviz: %w", err)
	}
	defer gv.Close()
	graph, err := graphviz.ParseBytes(dot)
	if err != nil {
		return nil, fmt.Errorf("picture: graphviz cannot read the DOT text: %w", err)
	}
	defer graph.Close()
	var buf bytes.Buffer
	if err := gv.Render(ctx, graph, graphviz.SVG, &buf); err != nil {
		return nil, fmt.Errorf("picture: rendering SVG: %w", err)
	}
	return buf.Bytes(), nil
}

// Formats are the formats Draw knows, by name.
var Formats = []string{"dot", "svg", "mermaid"}

// Draw returns the dataflows of a program in a format of Formats.
func Draw(graphs []*planner.Graph, format string) ([]byte, error) {
	switch format {
	case "dot":
		return ProgramDOT(graphs), nil
	case "svg":
		return ProgramSVG(graphs)
	case "mermaid":
		return ProgramMermaid(graphs), nil
	}
	return nil, fmt.Errorf("picture: unknown format %q; use dot, svg or mermaid", format)
}
