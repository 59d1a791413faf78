package picture_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"github.com/tdflow/tdc/codegen"
	"github.com/tdflow/tdc/lang"
	"github.com/tdflow/tdc/planner"
	"github.com/tdflow/tdc/planner/picture"
)

var update = flag.Bool("update", false, "rewrite the want sections of golden files")

// TestGolden draws every testdata/*.txtar's in.tdf and compares the DOT
// and Mermaid text with want.dot and want.mmd; the SVG must be well formed
// with a group per operator and channel.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			require.NoError(t, err)
			src := section(ar, "in.tdf")
			require.NotNil(t, src, "no in.tdf section")
			f, err := lang.Parse("in.tdf", src)
			require.NoError(t, err)
			prog, err := lang.Check(f, lang.CheckOptions{Dir: "."})
			require.NoError(t, err)
			graphs, err := planner.Plan(prog)
			require.NoError(t, err)
			dot := picture.ProgramDOT(graphs)
			mmd := picture.ProgramMermaid(graphs)
			svg, err := picture.ProgramSVG(graphs)
			require.NoError(t, err)
			checkSVG(t, svg, graphs)
			checkMermaid(t, mmd, graphs)
			if *update {
				setSection(ar, "want.dot", dot)
				setSection(ar, "want.mmd", mmd)
				require.NoError(t, os.WriteFile(file, txtar.Format(ar), 0o644))
				return
			}
			assert.Equal(t, string(section(ar, "want.dot")), string(dot))
			assert.Equal(t, string(section(ar, "want.mmd")), string(mmd))
		})
	}
}

// TestExamples draws every example, each dataflow alone (as a binary's web
// page shows it) and the program as one picture (as tdc graph does).
func TestExamples(t *testing.T) {
	var paths []string
	require.NoError(t, filepath.WalkDir("../../examples", func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".tdf") {
			paths = append(paths, path)
		}
		return err
	}))
	require.NotEmpty(t, paths)
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			graphs := planFile(t, path)
			for _, g := range graphs {
				svg, err := picture.SVG(g)
				require.NoError(t, err)
				checkSVG(t, svg, []*planner.Graph{g})
				checkMermaid(t, picture.Mermaid(g), []*planner.Graph{g})
			}
			svg, err := picture.ProgramSVG(graphs)
			require.NoError(t, err)
			checkSVG(t, svg, graphs)
			checkMermaid(t, picture.ProgramMermaid(graphs), graphs)
		})
	}
}

// TestCorpus draws the programs of the planner's and codegen's golden
// cases, which between them use every operator of the language.
func TestCorpus(t *testing.T) {
	var files []string
	for _, pattern := range []string{"../../testdata/plan/*.txtar", "../../testdata/codegen/*.txtar"} {
		matches, err := filepath.Glob(pattern)
		require.NoError(t, err)
		files = append(files, matches...)
	}
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(filepath.Base(filepath.Dir(file))+"/"+filepath.Base(file), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			require.NoError(t, err)
			f, err := lang.Parse("in.tdf", section(ar, "in.tdf"))
			require.NoError(t, err)
			prog, err := lang.Check(f, lang.CheckOptions{Dir: "."})
			require.NoError(t, err)
			graphs, err := planner.Plan(prog)
			require.NoError(t, err)
			svg, err := picture.ProgramSVG(graphs)
			require.NoError(t, err)
			checkSVG(t, svg, graphs)
			checkMermaid(t, picture.ProgramMermaid(graphs), graphs)
		})
	}
}

// TestDraw checks that Draw knows exactly the formats it lists.
func TestDraw(t *testing.T) {
	graphs := planFile(t, "../../examples/wordcount/wordcount.tdf")
	for _, format := range picture.Formats {
		out, err := picture.Draw(graphs, format)
		require.NoError(t, err, format)
		assert.NotEmpty(t, out, format)
	}
	dot, err := picture.Draw(graphs, "dot")
	require.NoError(t, err)
	assert.Equal(t, picture.DOT(graphs[0]), dot)
	_, err = picture.Draw(graphs, "png")
	assert.EqualError(t, err, `picture: unknown format "png"; use dot, svg or mermaid`)
}

// BenchmarkSVG measures drawing PageRank, the largest example, as SVG;
// once per process Graphviz's WebAssembly is compiled or loaded from its
// cache first (not measured here).
func BenchmarkSVG(b *testing.B) {
	graphs := planFile(b, "../../examples/pagerank/pagerank.tdf")
	for b.Loop() {
		if _, err := picture.SVG(graphs[0]); err != nil {
			b.Fatal(err)
		}
	}
}

// planFile checks and plans an example as tdc does.
func planFile(t testing.TB, path string) []*planner.Graph {
	f, err := lang.ParseFile(path)
	require.NoError(t, err)
	prog, err := lang.Check(f, lang.CheckOptions{
		Output: strings.TrimSuffix(path, ".tdf") + "_tdf.go",
		API: func(prog *lang.Program) ([]byte, error) {
			graphs, err := planner.Plan(prog)
			if err != nil {
				return nil, err
			}
			return codegen.Generate(prog, graphs, codegen.Options{})
		},
	})
	require.NoError(t, err)
	graphs, err := planner.Plan(prog)
	require.NoError(t, err)
	return graphs
}

// prefix is what starts the ids of g's groups in a picture of graphs.
func prefix(g *planner.Graph, graphs []*planner.Graph) string {
	if len(graphs) == 1 {
		return ""
	}
	return g.Name + "-"
}

// members is how many rows an operator's box lists.
func members(op *planner.Op) int {
	n := len(op.Stages)
	if op.Node != nil {
		n++
	}
	return n
}

// svgGroup is a <g> of Graphviz's SVG: a node, an edge or a cluster.
type svgGroup struct {
	class []string
	text  string
}

// checkSVG checks that svg is well-formed XML with one node group per
// operator of graphs and one edge group per channel, with the ids and
// classes the package doc promises, and each operator's text naming the
// line:col of each of its members.
func checkSVG(t *testing.T, svg []byte, graphs []*planner.Graph) {
	t.Helper()
	groups := map[string]*svgGroup{} // by id
	var kinds = map[string]int{}     // node, edge, cluster: how many
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = true
	var open []*svgGroup // the <g> elements around the token, nil for others
	sawSVG := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err, "SVG is not well-formed XML")
		switch tok := tok.(type) {
		case xml.StartElement:
			sawSVG = sawSVG || tok.Name.Local == "svg"
			var g *svgGroup
			if tok.Name.Local == "g" {
				var id string
				g = &svgGroup{}
				for _, a := range tok.Attr {
					switch a.Name.Local {
					case "id":
						id = a.Value
					case "class":
						g.class = strings.Fields(a.Value)
					}
				}
				if len(g.class) > 0 && slices.Contains([]string{"node", "edge", "cluster"}, g.class[0]) {
					require.NotContains(t, groups, id, "two groups with id %q", id)
					groups[id] = g
					kinds[g.class[0]]++
				} else {
					g = nil
				}
			}
			open = append(open, g)
		case xml.EndElement:
			open = open[:len(open)-1]
		case xml.CharData:
			for _, g := range open {
				if g != nil {
					g.text += string(tok) + " "
				}
			}
		}
	}
	require.True(t, sawSVG, "no <svg> element")
	ops, chans := 0, 0
	loops := map[*lang.Loop]bool{}
	for _, g := range graphs {
		pre := prefix(g, graphs)
		ops += len(g.Ops)
		chans += len(g.Channels)
		if len(graphs) > 1 {
			df := groups["dataflow-"+g.Name]
			if assert.NotNil(t, df, "no group of dataflow %s", g.Name) {
				assert.Equal(t, []string{"cluster", "dataflow"}, df.class)
			}
		}
		for _, op := range g.Ops {
			id := fmt.Sprintf("%sop-%d", pre, op.ID)
			box := groups[id]
			if !assert.NotNil(t, box, "no group %s", id) {
				continue
			}
			assert.Equal(t, "node", box.class[0], id)
			assert.Subset(t, box.class, []string{"op", string(op.Kind)}, id)
			assert.Equal(t, members(op) > 1, slices.Contains(box.class, "fused"), "%s: %v", id, box.class)
			if op.Node != nil {
				assert.Contains(t, box.text, fmt.Sprintf("%d:%d", op.Node.Pos.Line, op.Node.Pos.Column), id)
			}
			for _, st := range op.Stages {
				assert.Contains(t, box.text, fmt.Sprintf("%d:%d", st.Pos.Line, st.Pos.Column), id)
			}
			for l := op.Loop; l != nil; l = l.Parent {
				if !loops[l] {
					loops[l] = true
					id := fmt.Sprintf("%sloop-%d-%d", pre, l.Pos.Line, l.Pos.Column)
					if assert.Contains(t, groups, id) {
						assert.Equal(t, []string{"cluster", "loop"}, groups[id].class)
						assert.Contains(t, groups[id].text, l.Kind+" "+l.Var.Name)
					}
				}
			}
		}
		for _, ch := range g.Channels {
			id := fmt.Sprintf("%sch-%d", pre, ch.ID)
			arrow := groups[id]
			if !assert.NotNil(t, arrow, "no group %s", id) {
				continue
			}
			assert.Equal(t, []string{"edge", "ch"}, arrow.class[:2], id)
			assert.Equal(t, ch.Key != nil, slices.Contains(arrow.class, "exchange"), "%s: %v", id, arrow.class)
			assert.Equal(t, ch.Key != nil && ch.Key.Implied, slices.Contains(arrow.class, "implied"), "%s: %v", id, arrow.class)
			assert.Equal(t, ch.Broadcast != nil, slices.Contains(arrow.class, "broadcast"), "%s: %v", id, arrow.class)
			assert.Equal(t, !ch.CrossesWorkers(), slices.Contains(arrow.class, "pipeline"), "%s: %v", id, arrow.class)
			for _, c := range ch.Changes {
				assert.Contains(t, arrow.class, string(c.Kind), id)
			}
		}
	}
	assert.Equal(t, ops, kinds["node"], "node groups")
	assert.Equal(t, chans, kinds["edge"], "edge groups")
	wantClusters := len(loops)
	if len(graphs) > 1 {
		wantClusters += len(graphs)
	}
	assert.Equal(t, wantClusters, kinds["cluster"], "cluster groups")
}

var (
	mermaidNode  = regexp.MustCompile(`^(\w+)(\[\[|\[)"([^"]*)"(\]\]|\])$`)
	mermaidEdge  = regexp.MustCompile(`^(\w+) (-->|==>|-\.->)\|"([^"]*)"\| (\w+)$`)
	mermaidSub   = regexp.MustCompile(`^subgraph (\w+)\["([^"]*)"\]$`)
	mermaidClass = regexp.MustCompile(`^class ([\w,]+) (\w+)$`)
	mermaidLinks = regexp.MustCompile(`^linkStyle ([\d,]+) [^;]+$`)
	mermaidDef   = regexp.MustCompile(`^classDef (\w+) [^;]+$`)
)

// checkMermaid checks a flowchart line by line: subgraphs balanced, one
// node per operator, one link per channel in the graphs' order between
// defined nodes and drawn by the channel's kind, every node in a defined
// class and every link styled once.
func checkMermaid(t *testing.T, mmd []byte, graphs []*planner.Graph) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(mmd), "\n"), "\n")
	require.Equal(t, "flowchart LR", lines[0])
	type link struct{ from, arrow, to string }
	nodes := map[string]string{} // id -> label
	var links []link
	depth := 0
	subgraphs := map[string]bool{}
	classed := map[string]bool{}
	defined := map[string]bool{}
	styled := map[int]int{}
	var used []string // classes used
	for i, line := range lines[1:] {
		line = strings.TrimSpace(line)
		where := fmt.Sprintf("line %d: %s", i+2, line)
		if m := mermaidSub.FindStringSubmatch(line); m != nil {
			require.False(t, subgraphs[m[1]], "subgraph id used twice: %s", where)
			subgraphs[m[1]] = true
			depth++
			continue
		}
		if line == "direction LR" {
			require.Positive(t, depth, "direction outside a subgraph: %s", where)
			continue
		}
		if line == "end" {
			depth--
			require.GreaterOrEqual(t, depth, 0, where)
			continue
		}
		if m := mermaidNode.FindStringSubmatch(line); m != nil {
			require.NotContains(t, nodes, m[1], where)
			assert.Equal(t, m[2] == "[[", m[4] == "]]", where)
			nodes[m[1]] = m[3]
			continue
		}
		if m := mermaidEdge.FindStringSubmatch(line); m != nil {
			links = append(links, link{m[1], m[2], m[4]})
			continue
		}
		if m := mermaidDef.FindStringSubmatch(line); m != nil {
			defined[m[1]] = true
			continue
		}
		if m := mermaidClass.FindStringSubmatch(line); m != nil {
			for _, n := range strings.Split(m[1], ",") {
				assert.False(t, classed[n], "%s in two classes", n)
				classed[n] = true
			}
			used = append(used, m[2])
			continue
		}
		if m := mermaidLinks.FindStringSubmatch(line); m != nil {
			for _, s := range strings.Split(m[1], ",") {
				n, err := strconv.Atoi(s)
				require.NoError(t, err)
				styled[n]++
			}
			continue
		}
		t.Fatalf("not a flowchart line: %s", where)
	}
	require.Zero(t, depth, "subgraphs not closed")
	var want []link
	ops := 0
	for i, g := range graphs {
		pre := ""
		if len(graphs) > 1 {
			pre = fmt.Sprintf("df%d_", i)
		}
		ops += len(g.Ops)
		for _, op := range g.Ops {
			id := fmt.Sprintf("%sop%d", pre, op.ID)
			if assert.Contains(t, nodes, id) {
				assert.Equal(t, members(op) > 1, strings.Count(nodes[id], "<br/>") == members(op)-1 && members(op) > 1, id)
				assert.Contains(t, nodes[id], fmt.Sprintf("%d:%d", op.Pos.Line, op.Pos.Column), id)
			}
			assert.True(t, classed[id], "%s has no class", id)
		}
		for _, ch := range g.Channels {
			arrow := "-->"
			switch {
			case slices.ContainsFunc(ch.Changes, func(c planner.TimeChange) bool { return c.Kind == planner.Feedback }):
				arrow = "-.->"
			case ch.CrossesWorkers():
				arrow = "==>"
			}
			want = append(want, link{fmt.Sprintf("%sop%d", pre, ch.From.ID), arrow, fmt.Sprintf("%sop%d", pre, ch.To.ID)})
		}
	}
	assert.Len(t, nodes, ops, "nodes")
	assert.Equal(t, want, links, "links")
	for _, c := range used {
		assert.True(t, defined[c], "class %s is not defined", c)
	}
	for i := range links {
		assert.Equal(t, 1, styled[i], "link %d styled %d times", i, styled[i])
	}
	assert.Len(t, styled, len(links), "linkStyle names a link that does not exist")
}

func section(ar *txtar.Archive, name string) []byte {
	for _, f := range ar.Files {
		if f.Name == name {
			return f.Data
		}
	}
	return nil
}

func setSection(ar *txtar.Archive, name string, data []byte) {
	for i := range ar.Files {
		if ar.Files[i].Name == name {
			ar.Files[i].Data = data
			return
		}
	}
	ar.Files = append(ar.Files, txtar.File{Name: name, Data: data})
}

// TestSVGConcurrent draws from several goroutines at once, as a build of
// several programs might: Graphviz's one WebAssembly instance is shared.
func TestSVGConcurrent(t *testing.T) {
	graphs := planFile(t, "../../examples/reach/reach.tdf")
	want, err := picture.SVG(graphs[0])
	require.NoError(t, err)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			got, err := picture.SVG(graphs[0])
			if err == nil && !bytes.Equal(got, want) {
				err = errors.New("a concurrent drawing differs")
			}
			errs <- err
		}()
	}
	for range 4 {
		assert.NoError(t, <-errs)
	}
}
