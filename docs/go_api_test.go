package docs

// TestGoAPIWalkthrough follows docs/go-api.md from an empty directory:
// it writes the files the page shows (fenced blocks whose info string is
// a language and a file name, such as ```go main.go), runs the commands
// of its ```sh blocks in order, developing against this checkout, and
// compares what the last one prints with the ```text block after it.

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGoAPIWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("builds tdc in a module of its own")
	}
	md, err := os.ReadFile("go-api.md")
	require.NoError(t, err)
	fs, err := fences(string(md))
	require.NoError(t, err)
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	dir := t.TempDir()
	var cmds []string
	var want *fence
	for i, f := range fs {
		lang, file, ok := strings.Cut(f.info, " ")
		switch {
		case ok && lang != "sh":
			require.NoError(t, os.WriteFile(filepath.Join(dir, file), []byte(f.body), 0o644))
		case f.info == "sh":
			for _, line := range strings.Split(f.body, "\n") {
				if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
					cmds = append(cmds, strings.ReplaceAll(line, "/path/to/tdc", root))
				}
			}
			if i+1 < len(fs) && fs[i+1].info == "text" {
				want = &fs[i+1]
			}
		}
	}
	require.NotNil(t, want, "go-api.md shows no output after its commands")
	// The module cache has what tdc needs; nothing is fetched.
	env := append(os.Environ(), "GOPROXY=off", "GOSUMDB=off", "GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=")
	var out []byte
	for _, line := range cmds {
		args := strings.Fields(line)
		require.Equal(t, "go", args[0], "go-api.md runs only go commands: %s", line)
		if args[1] == "mod" && args[2] == "init" {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				continue // the page shows go mod init twice
			}
		}
		cmd := exec.Command("go", args[1:]...)
		cmd.Dir, cmd.Env = dir, env
		out, err = cmd.CombinedOutput()
		require.NoError(t, err, "%s:\n%s", line, out)
	}
	assert.Equal(t, strings.TrimSpace(want.body), strings.TrimSpace(string(out)), "output of go run . at go-api.md:%d", want.line)
}
