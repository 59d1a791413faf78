//go:build unix

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTermsDiffer starts two processes of the word count with different
// params, or with the same param naming files of different content: both
// must refuse at once, naming the param or the file and both values.
func TestTermsDiffer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary with go build")
	}
	isolateBuildCache(t)
	root := repoRoot(t)
	dir := t.TempDir()
	wc := buildTDF(t, filepath.Join(root, "examples", "wordcount", "wordcount.tdf"), dir)
	dir0, dir1 := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	require.NoError(t, os.Mkdir(dir0, 0o755))
	require.NoError(t, os.Mkdir(dir1, 0o755))
	writeFile(t, dir0, "words.txt", "one two three\n")
	writeFile(t, dir1, "words.txt", "one two four\n")

	for _, c := range []struct {
		name         string
		in0, in1     string
		want0, want1 string
	}{
		{"param", "a/words.txt", "b/words.txt",
			`process 1 \(127\.0\.0\.1:\d+\) runs with param input = b/words.txt, this process with a/words.txt`,
			`process 0 \(127\.0\.0\.1:\d+\) runs with param input = a/words.txt, this process with b/words.txt`},
		{"file", "words.txt", "words.txt",
			`process 1 \(127\.0\.0\.1:\d+\) runs with input of lines at wordcount.tdf:13:2 = 13 bytes, sha256 of its ends [0-9a-f]{16}, this process with 14 bytes, sha256 of its ends [0-9a-f]{16}`,
			`process 0 \(127\.0\.0\.1:\d+\) runs with input of lines at wordcount.tdf:13:2 = 14 bytes, sha256 of its ends [0-9a-f]{16}, this process with 13 bytes`},
	} {
		t.Run(c.name, func(t *testing.T) {
			hosts := writeHostfile(t, dir, freeAddrs(t, 2))
			cwd0, cwd1 := dir, dir
			if c.name == "file" {
				cwd0, cwd1 = dir0, dir1
			}
			p0 := startProc(t, cwd0, nil, wc, append(clusterArgs(2, 0, hosts, 1), "-input", c.in0)...)
			p1 := startProc(t, cwd1, nil, wc, append(clusterArgs(2, 1, hosts, 1), "-input", c.in1)...)
			for i, p := range []*clusterProc{p0, p1} {
				code := p.wait(t, 10*time.Second)
				t.Logf("process %d exited with status %d: %s", i, code, strings.TrimSpace(p.stderr.String()))
				assert.Equal(t, 1, code, "process %d", i)
				assert.Empty(t, p.stdout.String(), "process %d", i)
				assert.NotContains(t, p.stderr.String(), testSecret, "process %d", i)
			}
			assert.Regexp(t, regexp.MustCompile(c.want0), p0.stderr.String())
			assert.Regexp(t, regexp.MustCompile(c.want1), p1.stderr.String())
		})
	}
}

// TestLaunchSecret runs tdc launch on a script that prints what it got:
// every process gets the same fresh secret in its environment, none on
// its command line, and two launches get different secrets.
func TestLaunchSecret(t *testing.T) {
	dir := t.TempDir()
	script := writeFile(t, dir, "show", "#!/bin/sh\necho \"env $TDC_SECRET\"\necho \"args $*\"\n")
	require.NoError(t, os.Chmod(script, 0o755))
	tdc := tdcCommand(t)
	secrets := map[string]bool{}
	for range 2 {
		p := startProc(t, dir, []string{"TDC_SECRET=from the caller"}, tdc, "launch", "-n", "2", script)
		require.Equal(t, 0, p.wait(t, 10*time.Second), "stderr: %s", p.stderr.String())
		var env []string
		for _, line := range strings.Split(strings.TrimSpace(p.stdout.String()), "\n") {
			if s, ok := strings.CutPrefix(line, "env "); ok {
				env = append(env, s)
			}
		}
		require.Len(t, env, 2, p.stdout.String())
		assert.Equal(t, env[0], env[1], "the processes of a launch share a secret")
		assert.Regexp(t, `^[0-9a-f]{64}$`, env[0])
		assert.NotContains(t, p.stdout.String(), "args "+env[0])
		assert.NotContains(t, p.stdout.String(), "from the caller")
		secrets[env[0]] = true
	}
	assert.Len(t, secrets, 2, "two launches got the same secret")
}
