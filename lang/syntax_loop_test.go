package lang

import (
	"fmt"
	"strings"
	"testing"
)

// TestRecognizerWithinGrammarLoops is TestRecognizerWithinGrammar for
// operator declarations and loops: every sequence of up to three tokens
// of an alphabet of their words, in contexts around their parts, must be
// rejected by the recognizer if the grammar rejects it.
func TestRecognizerWithinGrammarLoops(t *testing.T) {
	if testing.Short() {
		t.Skip("exhaustive")
	}
	alphabet := []string{"x", "loop", "iterate", "max", "state", "on", "(", ")", ",", ":=", "{", "}", ";", "1", "-", "->", "\n"}
	contexts := []string{
		"package p\noperator op(%s) int64 { on in(t, data) {} }\n",
		"package p\noperator op(in int64) %s {}\n",
		"package p\noperator op(in int64) int64 {\n%s\n}\n",
		"package p\noperator op(in int64) int64 { on in%s {} }\n",
		"package p\ndataflow D {\n%s {\n}\n}\n",
		"package p\ndataflow D {\nr := loop x := s %s\n}\n",
		"package p\ndataflow D {\nloop x := s {\n%s\n}\n}\n",
	}
	for i, c := range contexts {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			disagree := 0
			var try func(seq []string)
			try = func(seq []string) {
				src := fmt.Sprintf(c, strings.Join(seq, " "))
				ts, errs := scan("t.tdf", []byte(src))
				if len(errs) == 0 {
					errs = recognize(ts)
				}
				if len(errs) == 0 {
					if _, err := tdfParser.ParseString("t.tdf", src); err != nil {
						if disagree++; disagree <= 10 {
							t.Errorf("recognizer accepts what the grammar rejects: %q: %v", src, err)
						}
					}
				}
				if len(seq) == 3 {
					return
				}
				for _, a := range alphabet {
					try(append(seq, a))
				}
			}
			try(nil)
		})
	}
}
