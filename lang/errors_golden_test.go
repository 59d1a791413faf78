package lang

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestErrorsGolden parses the in.tdf of each testdata/errors/*.txtar file,
// checks it when it parses, and compares the errors, one a line, with the
// errors section. Every error names its position as in.tdf:line:col.
func TestErrorsGolden(t *testing.T) {
	runGolden(t, "errors", "errors", func(t *testing.T, src []byte) string {
		f, err := Parse("in.tdf", src)
		if err == nil {
			_, err = Check(f, CheckOptions{})
		}
		if err == nil {
			return ""
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			assert.Regexp(t, positioned, line)
		}
		return err.Error() + "\n"
	})
}

// positioned is the start of every error of the golden programs.
var positioned = regexp.MustCompile(`^in\.tdf:[1-9][0-9]*:[1-9][0-9]*: \S`)
