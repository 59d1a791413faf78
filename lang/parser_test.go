package lang

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"
)

func TestParseFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ok.tdf")
	require.NoError(t, os.WriteFile(path, []byte("package p\ndataflow D { stdin -> print() }\n"), 0o644))
	f, err := ParseFile(path)
	require.NoError(t, err)
	assert.Equal(t, filepath.ToSlash(path), f.Pos.Filename)

	bad := filepath.Join(dir, "bad.tdf")
	require.NoError(t, os.WriteFile(bad, []byte("package p\ndataflow D {\n"), 0o644))
	_, err = ParseFile(bad)
	require.Error(t, err)
	assert.Equal(t, filepath.ToSlash(bad)+`:3:1: unexpected end of file; expected "}" to close dataflow D`, err.Error())

	_, err = ParseFile(filepath.Join(dir, "missing.tdf"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestParseGoText(t *testing.T) {
	src := "package p\ndataflow D {\n\tx -> map(v => f(v, /* c */ 2) // trailing\n\t)\n}\n"
	f, err := Parse("t.tdf", []byte(src))
	require.NoError(t, err)
	body := f.Decls[0].Dataflow.Stmts[0].Pipeline.Ops[0].Args.Args[0].Lambda.Body
	assert.Equal(t, "f(v, /* c */ 2)", body.Text, "Text is the source as written, without surrounding comments")
	assert.Equal(t, 3, body.Pos.Line)
	assert.Equal(t, 16, body.Pos.Column)
	assert.Nil(t, body.Tokens)
}

func TestParseErrorList(t *testing.T) {
	_, err := Parse("e.tdf", []byte("package p\ndataflow A { x y }\ndataflow B { z => w }\n"))
	var list ErrorList
	require.True(t, errors.As(err, &list))
	require.Len(t, list, 2)
	assert.Equal(t, Pos{Filename: "e.tdf", Offset: 25, Line: 2, Column: 16}, list[0].Pos)
	assert.Equal(t, `unexpected "y"; expected "->" or end of statement`, list[0].Msg)
	assert.Equal(t, 3, list[1].Pos.Line)
}

func TestBadTokenMessage(t *testing.T) {
	tests := []struct{ src, want string }{
		{"package p\n\x00", "t.tdf:2:1: invalid character U+0000"},
		{"package p\n\xff", "t.tdf:2:1: invalid UTF-8 encoding"},
		{"package p\n\uFEFF", "t.tdf:2:1: invalid byte order mark (only allowed at the start of the file)"},
		{"package p\n\\", `t.tdf:2:1: invalid character '\\'`},
		{"package p\n\"abc\\", "t.tdf:2:1: string literal not terminated"},
		{"package p\n'\\", "t.tdf:2:1: rune literal not terminated"},
	}
	for _, tt := range tests {
		_, err := Parse("t.tdf", []byte(tt.src))
		require.Error(t, err, "%q", tt.src)
		assert.Equal(t, tt.want, err.Error(), "%q", tt.src)
	}
}

func TestParseLimits(t *testing.T) {
	deep := "package p\ndataflow D { x -> map(a => " + strings.Repeat("(", 2000) + strings.Repeat(")", 2000) + ") }"
	_, err := Parse("t.tdf", []byte(deep))
	assert.EqualError(t, err, "t.tdf:2:1026: brackets nested too deeply (more than 1000 levels)")

	garbage := strings.Repeat("#\n", 100)
	_, err = Parse("t.tdf", []byte(garbage))
	var list ErrorList
	require.True(t, errors.As(err, &list))
	assert.Len(t, list, maxSyntaxErrors+1)
	assert.Equal(t, "too many errors", list[maxSyntaxErrors].Msg)

	params := "package p\ndataflow D { x -> map((a, b, c, d, e) + 1) }"
	_, err = Parse("t.tdf", []byte(params))
	assert.EqualError(t, err, `t.tdf:2:39: unexpected "+"; expected "=>" after lambda parameters (a, b, c, ...)`)
}

// fuzzSeeds are the in.tdf sections of the golden files and a few
// fragments.
func fuzzSeeds(f *testing.F) [][]byte {
	seeds := [][]byte{
		[]byte(""),
		[]byte("package p"),
		[]byte("package p\ndataflow D { x -> map((a, b) => { return a }) }"),
		[]byte("package p\ntype T struct { A [3](int, []byte); B x.Y }\nparam n int = -1"),
		[]byte("package p\noperator op(in int64, o (string, int64)) int64 {\n\tstate { n map[Time]int }\n\ton in(t, data) { emit(data[0]) }; on o(t, d) {}\n\ton notify(t) {}\n}\n"),
		[]byte("package p\ndataflow D {\n\ts := range(0, 3)\n\tr := loop x := s max 3 {\n\t\ty := iterate z := x { z -> next }\n\t\ty -> op() -> next; x -> leave\n\t}\n}\n"),
	}
	for _, dir := range []string{"parse", "errors"} {
		paths, err := filepath.Glob(filepath.Join("..", "testdata", dir, "*.txtar"))
		require.NoError(f, err)
		for _, p := range paths {
			ar, err := txtar.ParseFile(p)
			require.NoError(f, err)
			if src := section(ar, "in.tdf"); src != nil {
				seeds = append(seeds, src)
			}
		}
	}
	return seeds
}

// FuzzParse checks that Parse never panics, that every error it returns
// is an ErrorList of positioned errors, that the recognizer never accepts
// what the participle grammar rejects (which would make Parse fall back
// on participle's unfriendly message), and that Dump handles every AST.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := Parse("fuzz.tdf", src)
		if err != nil {
			var list ErrorList
			require.True(t, errors.As(err, &list), "error is not an ErrorList: %v", err)
			require.NotEmpty(t, list)
			for _, e := range list {
				require.Equal(t, "fuzz.tdf", e.Pos.Filename, "%v", e)
				require.Positive(t, e.Pos.Line, "%v", e)
				require.Positive(t, e.Pos.Column, "%v", e)
				require.True(t, utf8.ValidString(e.Msg), "%q", e.Msg)
				require.NotContains(t, e.Msg, "\n")
			}
			ts, errs := scan("fuzz.tdf", src)
			if len(errs) == 0 {
				errs = recognize(ts)
			}
			require.NotEmpty(t, errs, "the recognizer accepted what the grammar rejects: %v", err)
			return
		}
		require.NotNil(t, file)
		dump := Dump(file)
		require.True(t, strings.HasPrefix(dump, "File "), "%s", dump)
		walkGoCode(file, func(g *GoCode) {
			require.NotEmpty(t, g.Text, "empty Go code at %v", g.Pos)
		}, func(b *GoBlock) {
			require.NotEmpty(t, b.Text, "empty Go block at %v", b.Pos)
		})
	})
}
