package lang

import "errors"

// CheckOptions configures Check.
type CheckOptions struct {
	// Dir is the directory whose Go module resolves the imported
	// packages; the .tdf file's directory when empty.
	Dir string
}

// Check resolves names and infers types in f. It returns every error it
// finds as an ErrorList.
func Check(f *File, opts CheckOptions) (*Program, error) {
	return nil, errors.New("check: not implemented yet")
}
