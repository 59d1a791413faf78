package lang

import (
	"fmt"
	"strings"
	"testing"
)

// TestRecognizerWithinGrammar tries every sequence of up to three tokens
// of a small alphabet in a few contexts, and checks that the recognizer
// never accepts a file that the participle grammar rejects: Parse would
// then report participle's own message. (The recognizer may reject more:
// it is deliberately stricter in places.) FuzzParse checks the same
// property on random input.
func TestRecognizerWithinGrammar(t *testing.T) {
	if testing.Short() {
		t.Skip("exhaustive")
	}
	alphabet := []string{"x", "input", "(", ")", ",", "=>", "->", ":=", ";", "1", `"s"`, ".", "[", "]", "{", "}", "-", "\n"}
	contexts := []string{
		"package p\ndataflow D {\n%s\n}\n",
		"package p\ndataflow D { x -> f(%s) }\n",
		"package p\ntype T struct {\n%s\n}\n",
		"package p\n%s\n",
		"package p\nparam p %s\n",
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
