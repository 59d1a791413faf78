package runtime

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runStatsLine matches the line printRunStats writes.
var runStatsLine = regexp.MustCompile(`(?m)^tdc-stats: dataflow=test process=0 workers=3 run_s=([0-9.]+) cpu_s=([0-9.]+) gc_cpu_s=([0-9.]+) allocs=(\d+) alloc_bytes=(\d+) gc_cycles=(\d+)$`)

// TestRunStatsLine checks the machine-readable line of Config.Stats: one
// line, its fields in order, and a run that allocates nothing per record
// reports far fewer allocations than records.
func TestRunStatsLine(t *testing.T) {
	allocs := func(per int) uint64 {
		g := sourceGraph()
		g.Channels = []ChannelInfo{{From: 0, To: 1, Kind: "exchange"}}
		var stats strings.Builder
		c, err := NewComputation(Config{Workers: 3, Stdout: discard{}, Stats: &stats}, g)
		require.NoError(t, err)
		require.NoError(t, runWithin(t, c, countingBuild(c, per)))
		m := runStatsLine.FindAllStringSubmatch(stats.String(), -1)
		require.Len(t, m, 1, "one tdc-stats line in:\n%s", stats.String())
		run, err := strconv.ParseFloat(m[0][1], 64)
		require.NoError(t, err)
		assert.Greater(t, run, 0.0)
		n, err := strconv.ParseUint(m[0][4], 10, 64)
		require.NoError(t, err)
		return n
	}
	// 600k records in 586 batches, all sent in one run of each source
	// before a sink takes any, so every batch is a new slice: about a
	// few thousand allocations, not one per record.
	n := allocs(200_000)
	assert.Greater(t, n, uint64(0))
	assert.Less(t, n, uint64(6000), "allocations for 600000 records")
}

// TestRunStatsOff checks that without Config.Stats no line is printed and
// no usage is read.
func TestRunStatsOff(t *testing.T) {
	c := newTestComputation(t, 2, sourceGraph())
	require.NoError(t, runWithin(t, c, countingBuild(c, 10)))
	assert.True(t, c.runBegin.at.IsZero())
}
