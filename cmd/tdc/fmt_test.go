package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFmtExamples runs tdc fmt -l on every example: the shipped examples
// stay in the canonical layout.
func TestFmtExamples(t *testing.T) {
	var paths []string
	err := filepath.WalkDir(filepath.Join("..", "..", "examples"), func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".tdf") {
			paths = append(paths, path)
		}
		return err
	})
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	status, stdout, stderr := runTDC(t, append([]string{"fmt", "-l"}, paths...)...)
	assert.Equal(t, exitOK, status, stderr)
	assert.Empty(t, stdout, "examples not formatted; run tdc fmt -w on them")
	assert.Empty(t, stderr)
}

// TestFmtRewriteFile checks that tdc fmt -w keeps the file's mode, and
// rewrites the file a symbolic link points to rather than the link.
func TestFmtRewriteFile(t *testing.T) {
	const messy = "package p\ndataflow D { range(0, 3) -> print() }\n"
	const want = "package p\n\ndataflow D {\n\trange(0, 3) -> print()\n}\n"
	dir := t.TempDir()
	path := filepath.Join(dir, "prog.tdf")
	require.NoError(t, os.WriteFile(path, []byte(messy), 0o640))
	require.NoError(t, os.Chmod(path, 0o640)) // whatever the umask
	link := filepath.Join(dir, "link.tdf")
	require.NoError(t, os.Symlink("prog.tdf", link))

	status, stdout, stderr := runTDC(t, "fmt", "-w", link)
	require.Equal(t, exitOK, status, stderr)
	assert.Empty(t, stdout)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, want, string(got))
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o640), info.Mode().Perm())
	linfo, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, linfo.Mode()&os.ModeSymlink, "the link was replaced by a file")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "a temporary file was left behind")
}

// TestFmtRewriteFails checks that tdc fmt -w reports a file it cannot
// rewrite, leaves it as it was, and exits 1.
func TestFmtRewriteFails(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes into read-only directories")
	}
	const messy = "package p\ndataflow D { range(0, 3) -> print() }\n"
	dir := t.TempDir()
	path := filepath.Join(dir, "prog.tdf")
	require.NoError(t, os.WriteFile(path, []byte(messy), 0o644))
	require.NoError(t, os.Chmod(dir, 0o555))
	t.Cleanup(func() { os.Chmod(dir, 0o755) })

	status, stdout, stderr := runTDC(t, "fmt", "-w", path)
	assert.Equal(t, exitError, status)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "tdc: rewriting "+path+": ")
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, messy, string(got))
}

// TestRewriteFileCleansUp checks that a rewrite that fails at the rename
// (here over a directory, which fails for root too) reports the path and
// leaves no temporary file.
func TestRewriteFileCleansUp(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "prog.tdf")
	require.NoError(t, os.MkdirAll(filepath.Join(target, "inside"), 0o755))
	err := rewriteFile(target, []byte("package p\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "rewriting "+target+": ")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "a temporary file was left behind")
	assert.Equal(t, "prog.tdf", entries[0].Name())
}
