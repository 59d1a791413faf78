package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/pprof/profile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCPUProfileLabels runs pagerank with -cpuprofile and reads the
// profile: the samples taken while operators ran carry the operator's
// name and .tdf position as labels, and between them the most time is
// spent in operators of pagerank.tdf.
func TestCPUProfileLabels(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a binary")
	}
	isolateBuildCache(t)
	dir := t.TempDir()
	bin := buildTDF(t, filepath.Join(repoRoot(t), "examples", "pagerank", "pagerank.tdf"), dir)
	edges := writeFile(t, dir, "edges.txt", randomEdges(3, 20000, 300000))
	prof := filepath.Join(dir, "cpu.pprof")
	cmd := exec.Command(bin, "-w", "2", "-input", edges, "-iters", "30", "-cpuprofile", prof)
	cmd.Stdout = nil
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)

	f, err := os.Open(prof)
	require.NoError(t, err)
	defer f.Close()
	p, err := profile.Parse(f)
	require.NoError(t, err)
	perOp := map[string]int64{}
	var labelled, total int64
	for _, s := range p.Sample {
		total += s.Value[0]
		tdf := s.Label["tdf"]
		if len(tdf) == 0 {
			continue
		}
		labelled += s.Value[0]
		assert.True(t, strings.HasPrefix(tdf[0], "pagerank.tdf:"), "label tdf=%q", tdf[0])
		require.Len(t, s.Label["operator"], 1, "a sample with a tdf label names its operator")
		assert.Equal(t, []string{"PageRank"}, s.Label["dataflow"])
		perOp[s.Label["operator"][0]+" "+tdf[0]] += s.Value[0]
	}
	require.NotEmpty(t, perOp, "no sample carries operator labels (%d samples)", len(p.Sample))
	t.Logf("samples per operator: %v (%d of %d labelled)", perOp, labelled, total)
	assert.Greater(t, labelled*2, total, "most of the CPU time is in operators")
	found := false
	for op := range perOp {
		found = found || strings.HasPrefix(op, "join")
	}
	assert.True(t, found, "the joins of pagerank.tdf show in the profile: %v", perOp)
}
