package main

import (
	goruntime "runtime"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestBlameOrder: a process whose error blames another comes after it,
// through chains, whatever order they ended in; cycles and blames of
// processes not in the launch change nothing.
func TestBlameOrder(t *testing.T) {
	assert.Equal(t, []int{0, 1, 2}, blameOrder([]int{0, 1, 2}, nil))
	assert.Equal(t, []int{2, 1, 0}, blameOrder([]int{0, 1, 2}, map[int]int{0: 1, 1: 2}))
	assert.Equal(t, []int{1, 0, 2}, blameOrder([]int{0, 1, 2}, map[int]int{0: 1, 2: 1}))
	assert.Equal(t, []int{1, 0, 2}, blameOrder([]int{0, 1, 2}, map[int]int{0: 1, 1: 0}))
	assert.Equal(t, []int{0, 1}, blameOrder([]int{0, 1}, map[int]int{1: 7}))
	for _, line := range []string{
		"faults: process 0 (127.0.0.1:21133) ended before the computation finished: it closed the connection without a goodbye",
		"faults: process 2 (127.0.0.1:1) failed: boom",
		"paused: process 1 (127.0.0.1:2) sent nothing for 2s (no heartbeat either)",
	} {
		assert.Regexp(t, peerBlame, line)
	}
	assert.NotRegexp(t, peerBlame, "faults: faults.tdf:16:6: map+map: has run for over 1s")
}

func TestChildMaxProcs(t *testing.T) {
	cores := goruntime.NumCPU()
	t.Setenv("GOMAXPROCS", "")
	procs, ok := childMaxProcs(1, 1)
	assert.True(t, ok)
	assert.Equal(t, cores, procs, "one process has every core")
	procs, _ = childMaxProcs(2*cores, 1)
	assert.Equal(t, 1, procs, "more processes than cores: one thread each")
	procs, _ = childMaxProcs(2*cores, 3)
	assert.Equal(t, 3, procs, "a thread per worker at least")
	procs, _ = childMaxProcs(2, 1)
	assert.Equal(t, max(1, cores/2), procs)

	t.Setenv("GOMAXPROCS", "7")
	_, ok = childMaxProcs(2, 1)
	assert.False(t, ok, "the environment's GOMAXPROCS is left to the processes")
}
