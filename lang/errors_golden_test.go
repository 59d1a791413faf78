package lang

import (
	"testing"
)

// TestErrorsGolden parses the in.tdf of each testdata/errors/*.txtar file,
// checks it when it parses, and compares the errors, one a line, with the
// errors section.
func TestErrorsGolden(t *testing.T) {
	runGolden(t, "errors", "errors", func(t *testing.T, src []byte) string {
		f, err := Parse("in.tdf", src)
		if err == nil {
			_, err = Check(f, CheckOptions{})
		}
		if err == nil {
			return ""
		}
		return err.Error() + "\n"
	})
}
