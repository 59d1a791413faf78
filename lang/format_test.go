package lang

import (
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"
)

// formatChecked formats src and checks what every formatted file must
// satisfy: it parses to the same program with the same comments in the
// same places (checked by Format itself and again here), and formatting
// it again changes nothing.
func formatChecked(t *testing.T, name string, src []byte) []byte {
	t.Helper()
	out, err := Format(name, src)
	require.NoError(t, err)
	f, fts, err := parse(name, src)
	require.NoError(t, err)
	g, gts, err := parse(name, out)
	require.NoError(t, err, "the formatted file does not parse:\n%s", out)
	assert.Equal(t, commentKey(f, fts), commentKey(g, gts), "comments moved:\n%s", out)
	assert.Equal(t, syntaxKey(f, src), syntaxKey(g, out), "another program:\n%s", out)
	again, err := Format(name, out)
	require.NoError(t, err)
	assert.Equal(t, string(out), string(again), "formatting twice changes the text")
	return out
}

// TestFormatGolden formats the in.tdf of each testdata/format/*.txtar
// file and compares the result with its want.tdf.
func TestFormatGolden(t *testing.T) {
	runGolden(t, "format", "want.tdf", func(t *testing.T, src []byte) string {
		return string(formatChecked(t, "in.tdf", src))
	})
}

// exampleFiles returns the .tdf files of examples/.
func exampleFiles(t *testing.T) []string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(filepath.Join("..", "examples"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".tdf") {
			paths = append(paths, path)
		}
		return err
	})
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	return paths
}

// TestFormatExamples formats every example: the shipped examples are in
// the canonical layout already.
func TestFormatExamples(t *testing.T) {
	for _, path := range exampleFiles(t) {
		t.Run(filepath.ToSlash(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			out := formatChecked(t, path, src)
			assert.Equal(t, string(src), string(out), "%s is not formatted: run tdc fmt -w %s", path, path)
		})
	}
}

// TestFormatSyntaxError checks that a file with syntax errors gets
// Parse's errors and no text.
func TestFormatSyntaxError(t *testing.T) {
	src := []byte("package p\n\ndataflow D {\n\trange(0, 1) => print()\n}\n")
	out, err := Format("bad.tdf", src)
	assert.Nil(t, out)
	var list ErrorList
	require.True(t, errors.As(err, &list), "%v", err)
	_, perr := Parse("bad.tdf", src)
	assert.Equal(t, perr.Error(), err.Error())
	assert.Equal(t, `bad.tdf:4:14: unexpected "=>"; expected "->" between pipeline stages`, err.Error())
}

// TestFormatGo checks the layout of embedded Go on its own: relative
// indentation, raw strings, tuples, and Go left as written.
func TestFormatGo(t *testing.T) {
	tests := []struct {
		kind         goKind
		text, indent string
		want         string // "" when the text is not Go of its kind
	}{
		{goExpr, "a+b", "", "a + b"},
		{goExpr, "f( a,b )", "\t\t", "f(a, b)"},
		{goExpr, "(a % 2,(b, c))", "", "(a%2, (b, c))"},
		{goExpr, "T{\n\t\t\tA: 1,\n\t\t\tBB: 2,\n\t\t}", "\t\t", "T{\n\tA:  1,\n\tBB: 2,\n}"},
		{goExpr, "`a\n  b` + x", "\t", "`a\n  b` + x"},
		{goExpr, "f(`a\n\t\tb`,\n\t\tc)", "\t\t", "f(`a\n\t\tb`,\n\tc)"},
		{goBody, "{ return (x, 1) }", "", "{ return (x, 1) }"},
		{goBody, "{\n\t\tx := 1\n\t\treturn x\n\t}", "\t", "{\n\tx := 1\n\treturn x\n}"},
		{goBody, "{ if (x) { y() } }", "", "{\n\tif x {\n\t\ty()\n\t}\n}"},
		{goFields, "{ a int; bb string }", "", "{\n\ta  int\n\tbb string\n}"},
		{goFields, "{}", "", "{}"},
		{goExpr, "x\n+ 1", "", ""},
		{goExpr, "1\nvar y = 2", "", ""},
		{goBody, "{ return }\nfunc g() {}", "", ""},
		{goFields, "{ a (int, int) }", "", ""},
		{goExpr, "tdcTuple2(a, b)", "", "tdcTuple2(a, b)"},
		{goExpr, "(a, tdcTuple2(b, c))", "", ""},
	}
	for _, tt := range tests {
		got, ok := formatGo(tt.kind, tt.text, tt.indent)
		if tt.want == "" {
			assert.False(t, ok, "%q formatted as %q", tt.text, got)
			continue
		}
		if assert.True(t, ok, "%q does not format", tt.text) {
			assert.Equal(t, tt.want, got, "%q", tt.text)
		}
	}
	assert.Equal(t, "a\n\t\tb\n\n\t`x\ny`", reindent("a\n\tb\n\n`x\ny`", "\t"))
	assert.Equal(t, "a\n\tb\n`x\n\t\ty`", dedent("a\n\t\tb\n\t`x\n\t\ty`", "\t"))
}

// FuzzFormat checks that formatting any file that parses succeeds, keeps
// the program and its comments (Format checks both), and that the result
// is formatted. Plain go test runs the seeds: the in.tdf of the golden
// files of testdata/ and oddComments.
func FuzzFormat(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	for _, s := range oddComments {
		f.Add([]byte(s))
	}
	for _, dir := range []string{"format", "plan", "codegen"} {
		paths, err := filepath.Glob(filepath.Join("..", "testdata", dir, "*.txtar"))
		require.NoError(f, err)
		for _, p := range paths {
			ar, err := txtar.ParseFile(p)
			require.NoError(f, err)
			if src := section(ar, "in.tdf"); src != nil {
				f.Add(src)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if _, err := Parse("fuzz.tdf", src); err != nil {
			_, ferr := Format("fuzz.tdf", src)
			require.Error(t, ferr)
			return
		}
		out, err := Format("fuzz.tdf", src)
		require.NoError(t, err, "input:\n%s", src)
		again, err := Format("fuzz.tdf", out)
		require.NoError(t, err, "formatted:\n%s", out)
		require.Equal(t, string(out), string(again), "formatting twice changes the text; input:\n%s", src)
	})
}

// oddComments are files with comments in unusual places: between the
// tokens of a header, inside lists, before a closing bracket, spanning
// lines, at the end of the file.
var oddComments = []string{
	"package /* a */ p // b\nimport /* c */ ( /* d */ \"fmt\" /* e */ ) // f\n",
	"package p\ndataflow D {\n\tx -> map((a, // c\n\t\tb) => a) -> print()\n}\n",
	"package p\ndataflow D {\n\tx := // c\n\t\trange(0, 1)\n}\n",
	"package p\ndataflow D {\n\tx -> map(v => // c\n\t\tv)\n}\n",
	"package p\ndataflow D {\n\tx -> map(v => v // c\n\t)\n}\n",
	"package p\ndataflow D {\n\tx -> map(v => v /* c\n d */ ) -> print()\n}\n",
	"package p\n/* a\n   b */ dataflow D { x -> print() }\n",
	"package p\ndataflow D { x -> print() } /* a\n   b */ // c\n",
	"package p\ntype T struct { A int /* x */; B /* y */ string // z\n}\n",
	"package p\nparam a int = /* x */ -1\nparam b int = - /* y */ 1\n",
	"package p\noperator o(in int) { state /* s */ { a int } // t\n on /* u */ in(t, /* v */ d) /* w */ { } }\n",
	"package p\ndataflow D {\n\tr := loop x := s max /* m */ 3 /* n */ { // o\n\t}\n}\n",
	"package p\ndataflow D {\n\tx -> f(\n\t\t// own\n\t\ta,\n\t\t// before close\n\t)\n}\n",
	"package p\ndataflow D {\n\tx -> f( // t\n\t\ta)\n}\n",
	"package p\ndataflow D {\n\tx ->\n\t// c\n\tf()\n}\n",
	"package p\ndataflow D {\n\tx -> map(v => `a\n`) // c\n\ty -> print() // d\n}\n",
	"package p\ndataflow D {\n\tx -> map(v => v) /* a */ /* b */ // c\n}\n",
	"package p\n\n\n// c\n\n\n",
	"package p\ndataflow D {\n\ta, /* x */ b := x -> branch(v => v)\n}\n",
	"package p\ndataflow D {\n\tx -> f(a /* c */ ,)\n}\n",
	"package p\ndataflow D {\n\tx -> f(a, /* c */\n)\n}\n",
	"package p\ndataflow D {\n\tx -> f(a\n/* c */)\n}\n",
	"package p\ndataflow D {\n\t\tx -> map(v => func() {\n\t\t\t\t/* a\n\t\t\t\t   b */\n\t\t\t\tv()\n\t\t\t})\n}\n",
	"package p\r\ndataflow D {\r\n\tx -> map(v => v) // c\r\n}\r\n",
	"package p\ndataflow D {\n\tx -> f(\n\t\t// c\n\t) -> g( /* d */ )\n}\n",
	"package p\nimport ( // c\n)\ntype T struct { // d\n}\ndataflow D { // e\n}\n",
}

// TestFormatOddComments formats files with comments in unusual places.
func TestFormatOddComments(t *testing.T) {
	for _, src := range oddComments {
		formatChecked(t, "odd.tdf", []byte(src))
	}
}

// breakAfter are the tokens after which perturb may break a line.
var breakAfter = map[string]bool{"->": true, "(": true, ",": true, "{": true, "=>": true, ":=": true}

// perturb returns src with comments, blanks and line breaks added
// between its tokens at random: a block comment or a few blanks after
// any token, a line break after some, a line comment before the line
// break of a gap that has one. The result may not parse (a line break
// where the grammar does not allow one), or may be another program (a
// line break in Go code), but it usually parses.
func perturb(src []byte, rng *rand.Rand) []byte {
	lex, err := tdfLexer.LexString("", string(src))
	if err != nil {
		return src
	}
	var b strings.Builder
	n := 0
	for {
		t, err := lex.Next()
		if err != nil || t.EOF() {
			return []byte(b.String())
		}
		v := t.Value
		if t.Type == tokWhitespace {
			if i := strings.IndexByte(v, '\n'); i >= 0 && rng.IntN(4) == 0 {
				n++
				v = v[:i] + fmt.Sprintf(" // c%d", n) + v[i:]
			}
			b.WriteString(v)
			continue
		}
		b.WriteString(v)
		switch rng.IntN(6) {
		case 0:
			n++
			fmt.Fprintf(&b, " /* c%d */ ", n)
		case 1:
			b.WriteString(strings.Repeat(" ", 1+rng.IntN(3)))
		case 2:
			if breakAfter[v] {
				b.WriteString("\n" + strings.Repeat("\t", rng.IntN(3)))
			}
		}
	}
}

// perturbRounds is how many perturbed versions of each file
// TestFormatPerturbed tries: go test ./lang -run Perturbed -perturb 500
// searches longer.
var perturbRounds = flag.Int("perturb", 4, "perturbed versions of each file that TestFormatPerturbed formats")

// TestFormatPerturbed formats the examples and the golden inputs with
// comments, blanks and line breaks strewn between their tokens: every
// comment must stay between the tokens it was between (Format checks
// that), and the result must be formatted.
func TestFormatPerturbed(t *testing.T) {
	var srcs [][]byte
	for _, path := range exampleFiles(t) {
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		srcs = append(srcs, src)
	}
	for _, dir := range []string{"format", "parse", "plan", "codegen"} {
		for _, path := range goldenFiles(t, dir) {
			ar, err := txtar.ParseFile(path)
			require.NoError(t, err)
			if src := section(ar, "in.tdf"); src != nil {
				srcs = append(srcs, src)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	tried := 0
	for _, src := range srcs {
		for range *perturbRounds {
			in := perturb(src, rng)
			if _, err := Parse("perturbed.tdf", in); err != nil {
				continue // a line break where the grammar does not allow one
			}
			tried++
			out, err := Format("perturbed.tdf", in)
			require.NoError(t, err, "input:\n%s", in)
			again, err := Format("perturbed.tdf", out)
			require.NoError(t, err)
			require.Equal(t, string(out), string(again), "formatting twice changes the text; input:\n%s", in)
		}
	}
	t.Logf("tried %d of %d", tried, len(srcs)**perturbRounds)
	assert.Greater(t, tried, len(srcs), "too few perturbed files parse")
}

// TestSyntaxKey checks that the key tells programs apart by what they
// say, not by their layout or comments.
func TestSyntaxKey(t *testing.T) {
	key := func(src string) string {
		k, err := SyntaxKey("k.tdf", []byte(src))
		require.NoError(t, err)
		return k
	}
	base := key("package p\ndataflow D {\n\trange(0, 3) -> map(x => x + 1) -> print()\n}\n")
	same := []string{
		"package p\n\n// c\ndataflow D { range(0,3)\n  ->map(x=>x+1) /* d */ -> print() }\n",
		"package p\ndataflow D {\n\trange(0, 3,) -> map((x) => x +\n\t\t1) -> print()\n}\n",
	}
	for _, src := range same {
		assert.Equal(t, base, key(src), "%q", src)
	}
	other := []string{
		"package q\ndataflow D {\n\trange(0, 3) -> map(x => x + 1) -> print()\n}\n",
		"package p\ndataflow D {\n\trange(0, 3) -> map(x => x + 2) -> print()\n}\n",
		"package p\ndataflow D {\n\trange(0, 3) -> map(y => x + 1) -> print()\n}\n",
		"package p\ndataflow D {\n\trange(0, 3) -> map(x => x + 1) -> print\n}\n",
		"package p\ndataflow D {\n\trange(0, 3) -> map(x => `x + 1`) -> print()\n}\n",
		"package p\ndataflow D {\n\trange(0, 3) -> map(x => x + /* c */ 1) -> print()\n}\n",
	}
	for _, src := range other {
		assert.NotEqual(t, base, key(src), "%q", src)
	}
	_, err := SyntaxKey("k.tdf", []byte("package"))
	assert.Error(t, err)
}

// BenchmarkFormat formats the largest example.
func BenchmarkFormat(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("..", "examples", "pagerank-custom", "pagerank_custom.tdf"))
	require.NoError(b, err)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Format("pagerank_custom.tdf", src); err != nil {
			b.Fatal(err)
		}
	}
}
