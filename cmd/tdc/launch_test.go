package main

import (
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
