package runtime

import (
	"fmt"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{
		"0": 0, "512": 512, "512B": 512, "1KiB": 1024, "512MiB": 512 << 20, "1.5GiB": 3 << 29,
		"2 GB": 2e9, "1TiB": 1 << 40, "10KB": 10000,
	} {
		got, err := ParseBytes(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "MiB", "12 parsecs", "-1MiB", "1e30GiB", "1.2.3MiB"} {
		_, err := ParseBytes(in)
		assert.Error(t, err, in)
	}
}

func TestFormatBytes(t *testing.T) {
	assert.Equal(t, "512 B", FormatBytes(512))
	assert.Equal(t, "1.5 KiB", FormatBytes(1536))
	assert.Equal(t, "64.0 MiB", FormatBytes(64<<20))
	assert.Equal(t, "2.0 GiB", FormatBytes(2<<30))
}

// TestStateEstimates: the estimates grow with what the states hold, and
// count what strings point to.
func TestStateEstimates(t *testing.T) {
	var h HashState[string, int64]
	assert.Zero(t, h.Bytes())
	for i := range 10000 {
		p, _ := h.Slot(fmt.Sprintf("a key that is longer than its header %d", i))
		*p = int64(i)
	}
	// Per key: the index entry, the key's header and its 48 bytes of
	// text, the value.
	assert.Greater(t, h.Bytes(), int64(10000*(16+48+8)))
	assert.Less(t, h.Bytes(), int64(10000*300))

	var d DenseState[uint32, int64]
	for i := range uint32(100000) {
		p, _ := d.Slot(i)
		*p = 1
	}
	assert.GreaterOrEqual(t, d.Bytes(), int64(100000*8))
	assert.Less(t, d.Bytes(), int64(100000*16))

	var strs DenseState[uint32, string]
	for i := range uint32(1000) {
		p, _ := strs.Slot(i)
		*p = strings.Repeat("x", 1000)
	}
	assert.Greater(t, strs.Bytes(), int64(1000*1000))

	join := map[Time]map[string][]int64{}
	for tm := range 4 {
		m := map[string][]int64{}
		for k := range 1000 {
			m[fmt.Sprint("key", k)] = make([]int64, 10)
		}
		join[Time{Epoch: uint64(tm)}] = m
	}
	est := EstimateBytes(join)
	assert.Greater(t, est, int64(4*1000*(10*8+24)))
	assert.Less(t, est, int64(4*1000*(10*8+24)*4))
	assert.Zero(t, EstimateBytes(nil))
}

// growing is a source whose state grows by 1 MiB a run, until a time
// if one is set.
type growing struct {
	w     *Worker
	until time.Time
	state [][]byte
}

func (g *growing) Run() error {
	if !g.until.IsZero() && time.Now().After(g.until) {
		g.w.Release(0, Time{})
		return nil
	}
	g.state = append(g.state, make([]byte, 1<<20))
	g.w.Reactivate()
	return nil
}

func (g *growing) StateBytes() int64 { return EstimateBytes(g.state) }

// TestMaxMemory: state that grows without bound ends the computation
// with a MemoryError naming the operator that holds it, and its size.
func TestMaxMemory(t *testing.T) {
	var stats syncBuffer
	// The limit is 64 MiB above what the heap holds already (other
	// tests of the package run in this process), so that the source's
	// state is what passes it.
	goruntime.GC()
	var ms goruntime.MemStats
	goruntime.ReadMemStats(&ms)
	limit := int64(ms.HeapAlloc) + 64<<20
	c, err := NewComputation(Config{Workers: 2, Stdout: discard{}, MaxMemory: limit, Stats: &stats}, sourceGraph())
	require.NoError(t, err)
	err = runWithin(t, c, func(w *Worker) ([]Operator, error) {
		return []Operator{&growing{w: w}, opFunc(func() error { return nil })}, nil
	})
	var me *MemoryError
	require.ErrorAs(t, err, &me)
	assert.Equal(t, limit, me.Limit)
	assert.Greater(t, me.Live, me.Limit)
	require.Len(t, me.Top, 1, "the sink holds nothing")
	assert.Equal(t, OperatorState{Name: "source", Pos: "t.tdf:1:1", Bytes: me.Top[0].Bytes}, me.Top[0])
	// The estimate is the one of the last check, made while the state
	// grew on: it lags behind the heap but has seen some of the growth.
	assert.Greater(t, me.Top[0].Bytes, int64(1<<20))
	assert.Regexp(t, `^memory limit of \d+\.\d MiB exceeded \(\d+\.\d MiB of live heap\); the most state \(estimated\): t\.tdf:1:1: source holds \d+\.\d MiB$`, err.Error())
	assert.Regexp(t, `^tdc-stats: dataflow=test .*\ntest: state of source at t\.tdf:1:1: peak \d+\.\d MiB \(estimated\)\n$`, stats.String())
}

// TestNoMonitorNoMeasure: without MaxMemory and Stats, nothing measures.
func TestNoMonitorNoMeasure(t *testing.T) {
	c := newTestComputation(t, 1, sourceGraph())
	until := time.Now().Add(20 * time.Millisecond)
	err := runWithin(t, c, func(w *Worker) ([]Operator, error) {
		return []Operator{&growing{w: w, until: until}, opFunc(func() error { return nil })}, nil
	})
	require.NoError(t, err)
	assert.Zero(t, c.workers[0].state[0].Load())
	assert.Empty(t, c.PeakState())
}
