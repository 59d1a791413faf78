package runtime

import (
	"os"
	goruntime "runtime"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFloorPercent(t *testing.T) {
	const mb = 1 << 20
	assert.Equal(t, 1500, floorPercent(100, 4*mb), "4 MB live may grow to 64 MB")
	assert.Equal(t, 1600, floorPercent(100, 1*mb), "capped where Go's smallest goal reaches the floor")
	assert.Equal(t, 1600, floorPercent(100, 0))
	assert.Equal(t, 300, floorPercent(100, 16*mb))
	assert.Equal(t, 100, floorPercent(100, 32*mb), "GOGC's own growth reaches the floor")
	assert.Equal(t, 100, floorPercent(100, 500*mb))
	assert.Equal(t, 200, floorPercent(200, 40*mb), "never below the percent before")
}

// gcPercent returns the current GC percent.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

func TestHeapFloorRaisesAndRestores(t *testing.T) {
	if _, ok := os.LookupEnv("GOGC"); ok {
		t.Skip("GOGC is set: the floor leaves it alone")
	}
	before := gcPercent()
	require.Greater(t, before, 0)
	stop1 := raiseHeapFloor()
	stop2 := raiseHeapFloor() // a second computation at the same time
	goruntime.GC()
	goruntime.GC()
	raised := gcPercent()
	assert.Greater(t, raised, before, "a small live heap gets more room")
	stop1()
	stop1() // a second call does nothing
	assert.Equal(t, raised, gcPercent(), "still raised while a computation runs")
	stop2()
	assert.Equal(t, before, gcPercent(), "the percent before, once none runs")
	goruntime.GC()
	goruntime.GC()
	assert.Equal(t, before, gcPercent(), "no cleanup of the floor sets it again")
}
