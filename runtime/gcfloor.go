package runtime

import (
	"os"
	goruntime "runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// The heap floor. Go's collector starts a cycle when the heap has grown
// by GOGC percent (100) over what the last cycle found live. A
// computation whose live heap is small but which reads a large input
// collects every few MB: word count keeps a few MB of counts while its
// lines source allocates a byte of text a byte of input, one block
// copy at a time, and so collected every 5-6 MB, 11-16 times for 76 MB
// of text (5-9% of its CPU). While computations run, the floor raises
// the growth allowed over a live heap smaller than heapFloor, so that
// the heap goal is about heapFloor: a collection every 64 MiB of
// garbage, not every few MB. A live heap of heapFloor/2 or more gets
// GOGC's own growth (100% is then at least the floor); a memory limit
// (Config.MaxMemory) still applies, the collector working harder near
// it; a GOGC set in the environment is left alone.
//
// After each collection, a cleanup attached to an object dropped for it
// reads the live heap (runtime/metrics) and sets the percent when it
// moved by a tenth or more.

// heapFloor is the heap goal the floor keeps while the live heap is
// small.
const heapFloor = 64 << 20

// floor is the process's heap floor: one for all the computations that
// run at once.
var floor struct {
	mu    sync.Mutex
	users int // computations running
	gen   int // bumped when the floor stops, ending its cleanups' chain
	base  int // the GC percent before the floor: 100 unless set
	set   int // the percent last set
}

// raiseHeapFloor starts the heap floor for a computation; the function
// it returns stops it when the last computation ends and puts the
// previous GC percent back.
func raiseHeapFloor() (restore func()) {
	if _, ok := os.LookupEnv("GOGC"); ok {
		return func() {}
	}
	floor.mu.Lock()
	defer floor.mu.Unlock()
	floor.users++
	if floor.users == 1 {
		floor.base = debug.SetGCPercent(100)
		floor.set = 100
		if floor.base <= 0 {
			debug.SetGCPercent(floor.base)
		} else {
			adjustHeapFloor()
			armHeapFloor(floor.gen)
		}
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			floor.mu.Lock()
			defer floor.mu.Unlock()
			floor.users--
			if floor.users == 0 {
				floor.gen++
				if floor.base > 0 {
					debug.SetGCPercent(floor.base)
				}
			}
		})
	}
}

// gcSentinel is dropped as soon as it is made: the collection that
// finds it unreachable runs its cleanup.
type gcSentinel struct {
	_ *int // a pointer, so that the tiny allocator does not merge it
}

// armHeapFloor has the next collection adjust the floor, and arm the
// one after, until the floor's generation moves on.
func armHeapFloor(gen int) {
	goruntime.AddCleanup(new(gcSentinel), func(gen int) {
		floor.mu.Lock()
		defer floor.mu.Unlock()
		if floor.gen != gen || floor.users == 0 {
			return
		}
		adjustHeapFloor()
		armHeapFloor(gen)
	}, gen)
}

// adjustHeapFloor sets the GC percent for the live heap the last
// collection found (for the heap in use, before the first one).
// Callers hold floor.mu.
func adjustHeapFloor() {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	live := s[0].Value.Uint64()
	if live == 0 {
		live = s[1].Value.Uint64()
	}
	percent := floorPercent(floor.base, live)
	if d := percent - floor.set; d*10 >= floor.set || -d*10 >= floor.set {
		debug.SetGCPercent(percent)
		floor.set = percent
	}
}

// floorPercent returns the GC percent that lets a live heap of live
// bytes grow to heapFloor before the next collection, and at least base.
// Go's smallest heap goal, 4 MB at 100%, grows with the percent too: the
// percent stays under the one that makes it heapFloor.
func floorPercent(base int, live uint64) int {
	const most = heapFloor / (4 << 20) * 100
	if live >= heapFloor {
		return base
	}
	return max(base, min(most, int((heapFloor-live)*100/max(live, 1))))
}
