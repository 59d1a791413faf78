package lang

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"filter", "filter", 0},
		{"fliter", "filter", 1}, // adjacent swap
		{"dataflwo", "dataflow", 1},
		{"mpa", "map", 1},
		{"kitten", "sitting", 3},
		{"cout", "count", 1},
		{"prnt", "print", 1},
		{"ca", "abc", 3}, // optimal string alignment, not full Damerau
		{"héllo", "hello", 1},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, editDistance([]rune(tt.a), []rune(tt.b), 100), "%q vs %q", tt.a, tt.b)
		assert.Equal(t, tt.want, editDistance([]rune(tt.b), []rune(tt.a), 100), "%q vs %q", tt.b, tt.a)
	}
	// Results at or past the bound are reported as the bound.
	assert.Equal(t, 2, editDistance([]rune("kitten"), []rune("sitting"), 2))
	assert.Equal(t, 1, editDistance([]rune("a"), []rune("abc"), 1))
}

func TestSuggest(t *testing.T) {
	decls := []string{"type", "param", "dataflow", "import"}
	ops := []string{"map", "filter", "flat_map", "inspect", "exchange", "count", "concat", "print", "probe"}
	tests := []struct {
		word       string
		candidates []string
		want       string
	}{
		{"dataflwo", decls, "dataflow"},
		{"Dataflow", decls, "dataflow"},
		{"DATAFLOW", decls, "dataflow"},
		{"parma", decls, "param"},
		{"tpye", decls, "type"},
		{"imprt", decls, "import"},
		{"fliter", ops, "filter"},
		{"flatmap", ops, "flat_map"},
		{"mpa", ops, "map"},
		{"cout", ops, "count"},
		{"prnit", ops, "print"},
		{"map", ops, "map"}, // exact match
		{"prob", ops, "probe"},
		{"reduce", ops, ""}, // nothing close
		{"x", ops, ""},      // too short to be close to anything here
		{"", ops, ""},       // empty word
		{"filter", nil, ""}, // no candidates
		{"abcdefghi", []string{"abcxyzghi", "abcdefxyz"}, "abcdefxyz"},   // ties: alphabetically first
		{"abcdefghi", []string{"abcdefxyz", "abcxyzghi"}, "abcdefxyz"},   // whatever the order
		{"abcdefghijklmnopqrstu", []string{"abcdefghijklmnopqxxxx"}, ""}, // at most three edits
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, suggest(tt.word, tt.candidates), "suggest(%q)", tt.word)
	}
}

// TestOtherNames checks the table of other systems' names: its keys are
// spelled as they are looked up and lead to tdc's name when they are one
// spelled otherwise (topK), and every
// name it gives is an operator or source of tdc's (or a sentence).
func TestOtherNames(t *testing.T) {
	for key, ours := range otherNames {
		assert.Equal(t, strings.ToLower(strings.ReplaceAll(key, "_", "")), key)
		for name := range Ops {
			if strings.ReplaceAll(name, "_", "") == key {
				assert.Equal(t, name, ours, "%s is tdc's %s but leads to %s", key, name, ours)
			}
		}
		if !strings.Contains(ours, " ") {
			assert.Contains(t, Ops, ours, "otherNames[%q]", key)
		}
	}
}
