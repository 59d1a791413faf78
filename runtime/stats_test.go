package runtime

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tdflow/tdc/runtime/tdnet"
)

// countingBuild returns the build of sourceGraph's computation c: each
// worker's source sends per records, round robin over the workers, in
// one run, and the sink reads them all.
func countingBuild(c *Computation, per int) func(*Worker) ([]Operator, error) {
	ch := NewChannel[int](c, 1, 1)
	return func(w *Worker) ([]Operator, error) {
		push, pull := ch.Pusher(w), ch.Puller(w)
		done := false
		src := opFunc(func() error {
			if done {
				return nil
			}
			for i := 0; i < per; i++ {
				push.Give(Time{}, i%w.Peers(), i)
			}
			done = true
			w.Release(0, Time{})
			return nil
		})
		sink := opFunc(func() error {
			for {
				b, ok := pull.Next()
				if !ok {
					return nil
				}
				pull.Recycle(b.Data)
			}
		})
		return []Operator{src, sink}, nil
	}
}

// TestSnapshotCounts checks the counters of a run against the records
// it moved.
func TestSnapshotCounts(t *testing.T) {
	const workers, per = 3, 6000
	g := sourceGraph()
	g.Channels = []ChannelInfo{{From: 0, To: 1, Kind: "exchange"}}
	c := newTestComputation(t, workers, g)
	require.NoError(t, runWithin(t, c, countingBuild(c, per)))
	s := c.Snapshot()
	assert.False(t, s.Running)
	assert.Equal(t, uint64(1), s.EpochsCompleted, "epoch 0 is complete")
	src, sink := s.Operators[0], s.Operators[1]
	assert.Equal(t, int64(workers*per), src.RecordsOut)
	assert.Equal(t, int64(0), src.RecordsIn)
	assert.Equal(t, int64(workers*per), sink.RecordsIn)
	assert.Equal(t, int64(0), sink.Queued)
	assert.Equal(t, sink.BatchesIn, src.BatchesOut, "every batch sent was read")
	assert.GreaterOrEqual(t, src.BatchesOut, int64(workers*per/BatchSize))
	for _, w := range src.Workers {
		assert.Equal(t, int64(per), w.RecordsOut, "worker %d", w.Worker)
		assert.Equal(t, int64(1), w.Runs, "worker %d: one activation", w.Worker)
	}
	for _, w := range sink.Workers {
		assert.Equal(t, int64(per), w.RecordsIn, "worker %d reads a third", w.Worker)
	}
	require.Len(t, s.Channels, 1)
	assert.Equal(t, ChannelSnapshot{ID: 0, From: 0, To: 1, Kind: "exchange", Records: workers * per, Batches: src.BatchesOut, PerWorker: s.Channels[0].PerWorker}, s.Channels[0])
	assert.Equal(t, [][]string{{}}, sink.Frontier, "the sink's input is complete")
	assert.Greater(t, s.Progress.LocalUpdates, int64(0))
	assert.Greater(t, s.Memory.HeapSys, uint64(0))
}

// TestQueuedRecords checks that records delivered and not yet read
// count as queued, and stop counting once read.
func TestQueuedRecords(t *testing.T) {
	g := sourceGraph()
	c := newTestComputation(t, 1, g)
	ch := NewChannel[int](c, 1, 1)
	w := c.workers[0]
	push, pull := ch.Pusher(w), ch.Puller(w)
	w.cur = 0
	for i := 0; i < 10; i++ {
		push.GiveLocal(Time{}, i)
	}
	w.cur = -1
	push.Flush()
	s := c.Snapshot()
	assert.Equal(t, int64(10), s.Operators[0].RecordsOut)
	assert.Equal(t, int64(10), s.Operators[1].Queued)
	b, ok := pull.Next()
	require.True(t, ok)
	assert.Len(t, b.Data, 10)
	s = c.Snapshot()
	assert.Equal(t, int64(0), s.Operators[1].Queued)
	assert.Equal(t, int64(10), s.Operators[1].RecordsIn)
}

// TestWebServer runs a computation with Config.HTTP and reads its
// metrics and state; a second computation on the same address shares
// the server.
func TestWebServer(t *testing.T) {
	cfg := Config{Workers: 2, Stdout: discard{}, HTTP: "127.0.0.1:0"}
	c, err := NewComputation(cfg, sourceGraph())
	require.NoError(t, err)
	require.NotEmpty(t, c.HTTPAddr())
	require.NoError(t, runWithin(t, c, countingBuild(c, 100)))
	get := func(path string) string {
		resp, err := http.Get("http://" + c.HTTPAddr() + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return string(body)
	}
	metrics := get("/metrics")
	assert.Contains(t, metrics, `tdc_operator_records_out_total{dataflow="test",op="0",operator="source",process="0",tdf="t.tdf:1:1",worker="0"} 100`)
	assert.Contains(t, metrics, `tdc_operator_records_in_total{dataflow="test",op="1",operator="sink",process="0",tdf="t.tdf:2:5",worker="1"} 100`)
	assert.Contains(t, metrics, `tdc_epochs_completed{dataflow="test",process="0"} 1`)
	assert.Contains(t, metrics, "go_goroutines")
	assert.Contains(t, get("/api/state"), `"name":"test"`)
	assert.Contains(t, get("/"), "<script src=\"page.js\">")
	assert.Contains(t, get("/debug/pprof/"), `href="goroutine?debug=1"`)
	assert.Contains(t, get("/debug/pprof/goroutine?debug=1"), "goroutine profile:")
	assert.True(t, strings.HasPrefix(get("/debug/pprof/profile?seconds=1"), "\x1f\x8b"), "a gzipped CPU profile")
	resp, err := http.Get("http://" + c.HTTPAddr() + "/debug/pprof/nosuch")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	req, _ := http.NewRequest("GET", "/debug/pprof/", nil)
	_, pattern := http.DefaultServeMux.Handler(req)
	assert.Empty(t, pattern, "nothing is registered on http.DefaultServeMux")

	g2 := sourceGraph()
	g2.Name = "other"
	c2, err := NewComputation(cfg, g2)
	require.NoError(t, err)
	assert.Equal(t, c.HTTPAddr(), c2.HTTPAddr(), "one server per address")
	c2.Start(context.Background(), countingBuild(c2, 1))
	require.NoError(t, waitWithin(t, c2, testTimeout))
	state := get("/api/state")
	assert.Contains(t, state, `"name":"test"`)
	assert.Contains(t, state, `"name":"other"`)

	_, err = NewComputation(Config{Workers: 1, HTTP: "nonsense"}, sourceGraph())
	assert.EqualError(t, err, "config: HTTP nonsense: address nonsense: missing port in address")
}

// TestProfileLabelsCostNothingPerRun checks that entering and leaving an
// operator's labels allocates nothing.
func TestProfileLabelsAllocateNothing(t *testing.T) {
	l := newOperatorLabels(sourceGraph()).forWorker()
	allocs := testing.AllocsPerRun(100, func() {
		l.enter(1)
		l.leave()
	})
	assert.Equal(t, 0.0, allocs)
}

// TestTakeSnapshot checks what process 0 does with a peer's stats frame.
func TestTakeSnapshot(t *testing.T) {
	cfg := Config{Workers: 1, Cluster: tdnet.ClusterConfig{Processes: 2, Index: 0, Addresses: []string{"127.0.0.1:1", "127.0.0.1:2"}, Insecure: true}}
	c, err := NewComputation(cfg, sourceGraph())
	require.NoError(t, err)
	assert.EqualError(t, c.takeSnapshot(1, []byte("{")), "process 1 sent a bad stats frame: unexpected end of JSON input")
	assert.EqualError(t, c.takeSnapshot(1, []byte(`{"process":0}`)), "process 1 sent a stats frame of process 0")
	require.NoError(t, c.takeSnapshot(1, []byte(`{"process":1,"dataflow":"test"}`)))
	snaps := c.ClusterSnapshots()
	require.Len(t, snaps, 2)
	assert.Equal(t, "test", snaps[1].Dataflow)
}
