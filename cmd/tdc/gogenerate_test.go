package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestGoGenerateExample runs the tests of examples/gogenerate, a module of
// its own that requires tdc as a tool (go tool tdc) and replaces it with
// this checkout, and checks that its tool runs.
func TestGoGenerateExample(t *testing.T) {
	if testing.Short() {
		t.Skip("builds tdc and a module of its own")
	}
	dir := filepath.Join("..", "..", "examples", "gogenerate")
	// -mod=mod: the example's go.sum may lack what a newer toolchain
	// wants, and GOWORK=off: it is not part of a workspace.
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	for _, args := range [][]string{
		{"vet", "./..."},
		{"test", "-count=1", "./..."},
		{"tool", "tdc", "check", "words/words.tdf"},
	} {
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "go %v in examples/gogenerate:\n%s", args, out)
	}
}
