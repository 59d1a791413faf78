package runtime

import (
	"context"
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// drain takes every batch from q, records its data, recycles it and
// returns the records.
func drain[T any](q *Puller[T], into []T) []T {
	for b, ok := q.Next(); ok; b, ok = q.Next() {
		into = append(into, b.Data...)
		q.Recycle(b.Data)
	}
	return into
}

func TestPusherBatchesPerTimeAndTarget(t *testing.T) {
	c := newTestComputation(t, 2, sourceGraph())
	ch := NewChannel[int](c, 1, 1)
	w0, w1 := c.workers[0], c.workers[1]
	p := ch.Pusher(w0)
	q0, q1 := ch.Puller(w0), ch.Puller(w1)

	p.Give(Epoch(1), 1, 10)
	p.Give(Epoch(1), 1, 11)
	p.GiveLocal(Epoch(1), 12)
	_, ok := q1.Next()
	assert.False(t, ok, "nothing sent before a flush")
	p.Give(Epoch(2), 1, 20) // another time: the epoch 1 buffer of worker 1 is put aside
	_, ok = q1.Next()
	assert.False(t, ok, "a buffer put aside is not sent")
	p.Give(Epoch(1), 1, 13) // and taken up again for epoch 1

	assert.Len(t, w0.dirty, 1, "the pusher waits for the worker's flush")
	p.Flush()
	assert.Equal(t, []int{12}, drain(q0, nil))
	b, ok := q1.Next()
	require.True(t, ok)
	assert.Equal(t, Batch[int]{Time: Epoch(1), Data: []int{10, 11, 13}}, b, "the records of epoch 1 travel together")
	assert.Equal(t, []int{20}, drain(q1, nil))
	assert.Equal(t, []Update{{Loc: 1, Time: Epoch(1), Delta: 1}, {Loc: 1, Time: Epoch(2), Delta: 1}},
		w0.batch.Updates(), "+1 and -1 of the local batch cancel")
	assert.Equal(t, []Update{{Loc: 1, Time: Epoch(1), Delta: -1}, {Loc: 1, Time: Epoch(2), Delta: -1}},
		w1.batch.Updates())

	for i := 0; i < BatchSize; i++ {
		p.Give(Epoch(3), 1, i)
	}
	b, ok = q1.Next()
	require.True(t, ok, "a full buffer is sent at once")
	assert.Len(t, b.Data, BatchSize)
	assert.True(t, w1.act.queued[1], "the target operator is activated")
}

func TestChannelSteadyStateAllocatesNothing(t *testing.T) {
	c := newTestComputation(t, 2, sourceGraph())
	ch := NewChannel[uint64](c, 1, 1)
	ws := c.workers
	ps := []*Pusher[uint64]{ch.Pusher(ws[0]), ch.Pusher(ws[1])}
	qs := []*Puller[uint64]{ch.Puller(ws[0]), ch.Puller(ws[1])}
	round := func() {
		for i, p := range ps {
			for x := uint64(0); x < 4*BatchSize+100; x++ {
				p.Give(Epoch(x/BatchSize), Route(HashUint64(x), 2), x)
			}
			p.Flush()
			ws[i].dirty = ws[i].dirty[:0]
		}
		for i, q := range qs {
			for b, ok := q.Next(); ok; b, ok = q.Next() {
				q.Recycle(b.Data)
			}
			ws[i].batch.Clear()
			ws[i].todo = ws[i].take(ws[i].todo[:0])
		}
	}
	round()
	assert.Zero(t, testing.AllocsPerRun(100, round))
}

func TestPusherSendsWhenFullOrFlushed(t *testing.T) {
	c := newTestComputation(t, 1, sourceGraph())
	ch := NewChannel[int](c, 1, 1)
	w := c.workers[0]
	p, q := ch.Pusher(w), ch.Puller(w)

	for i := 0; i < BatchSize-1; i++ {
		p.GiveLocal(Epoch(1), i)
	}
	_, ok := q.Next()
	assert.False(t, ok, "a buffer one short of full waits")
	p.GiveLocal(Epoch(2), 0)
	_, ok = q.Next()
	assert.False(t, ok, "a record of another time puts the buffer aside")

	for i := 1; i < BatchSize; i++ {
		p.GiveLocal(Epoch(2), i)
	}
	b, ok := q.Next()
	require.True(t, ok, "the record that fills the buffer sends it")
	assert.Equal(t, Epoch(2), b.Time)
	assert.Len(t, b.Data, BatchSize)
	assert.Equal(t, BatchSize-1, b.Data[BatchSize-1])
	_, ok = q.Next()
	assert.False(t, ok)

	p.GiveLocal(Epoch(2), 7)
	p.Flush()
	b, ok = q.Next()
	require.True(t, ok, "flush sends the buffer put aside")
	assert.Equal(t, Epoch(1), b.Time)
	assert.Len(t, b.Data, BatchSize-1)
	assert.Equal(t, []int{7}, drain(q, nil), "a full buffer starts a new one")

	// Past maxHeld times, the oldest buffer put aside is sent.
	for e := range uint64(maxHeld + 2) {
		p.GiveLocal(Epoch(10+e), int(e))
	}
	b, ok = q.Next()
	require.True(t, ok)
	assert.Equal(t, Batch[int]{Time: Epoch(10), Data: []int{0}}, b)
	_, ok = q.Next()
	assert.False(t, ok)
	p.Flush()
	assert.Len(t, drain(q, nil), maxHeld+1)
	assert.Equal(t, uintptr(64), unsafe.Sizeof(pushBuf[int]{}), "a buffer fills a cache line")
}

func TestRecycleDropsReferences(t *testing.T) {
	c := newTestComputation(t, 1, sourceGraph())
	ch := NewChannel[*int](c, 1, 1)
	x := 5
	buf := make([]*int, 3, BatchSize)
	buf[0], buf[1], buf[2] = &x, &x, &x
	ch.Puller(c.workers[0]).Recycle(buf[:1])
	assert.Equal(t, []*int{nil, nil, nil}, buf)
	assert.Len(t, ch.free.bufs, 1)
	ch.Puller(c.workers[0]).Recycle(make([]*int, 3))
	assert.Len(t, ch.free.bufs, 1, "small slices are not kept")
}

// benchSource sends 0..perEpoch-1 in each of epochs epochs through an
// exchange keyed by value. After sending an epoch it moves its capability
// to the next one and waits until the epoch is complete at the sink before
// it sends the next, as timely's exchange example does.
type benchSource struct {
	w        *Worker
	out      *Pusher[uint64]
	epochs   uint64
	perEpoch uint64
	next     uint64 // the epoch to send next
	waiting  bool   // for epoch next-1 to complete
}

func (s *benchSource) Run() error {
	if s.waiting {
		if s.w.Frontier(1).LessEqual(Epoch(s.next - 1)) {
			return nil // the sink activates us when its frontier moves
		}
		s.waiting = false
	}
	if s.next == s.epochs {
		return nil
	}
	t, peers := Epoch(s.next), s.w.Peers()
	for x := uint64(0); x < s.perEpoch; x++ {
		// As generated code calls it.
		if target := Route(HashUint64(x), peers); !s.out.TryGive(t, target, x) {
			s.out.Give(t, target, x)
		}
	}
	if s.next+1 < s.epochs {
		s.w.Hold(0, Epoch(s.next+1))
	}
	s.w.Release(0, t)
	s.next++
	s.waiting = true
	return nil
}

// benchSink consumes its input, and activates the source whenever the
// frontier of its input moves.
func benchSink(w *Worker, in *Puller[uint64], count *int) Operator {
	return opFunc(func() error {
		for b, ok := in.Next(); ok; b, ok = in.Next() {
			*count += len(b.Data)
			in.Recycle(b.Data)
		}
		w.Activate(0)
		return nil
	})
}

// BenchmarkExchange measures exchange throughput between two workers, like
// timely's exchange example: b.N is the number of records each worker
// sends (rounded up to whole epochs), so ns/op is per record per worker;
// records/s counts the records of both workers.
func BenchmarkExchange(b *testing.B) {
	const workers, perEpoch = 2, 1 << 16
	epochs := uint64((b.N + perEpoch - 1) / perEpoch)
	c, err := NewComputation(Config{Workers: workers}, sourceGraph())
	require.NoError(b, err)
	ch := NewChannel[uint64](c, 1, 1)
	counts := make([]int, workers)
	b.ResetTimer()
	start := time.Now()
	c.Start(context.Background(), func(w *Worker) ([]Operator, error) {
		src := &benchSource{w: w, out: ch.Pusher(w), epochs: epochs, perEpoch: perEpoch}
		return []Operator{src, benchSink(w, ch.Puller(w), &counts[w.Index()])}, nil
	})
	require.NoError(b, c.Wait())
	elapsed := time.Since(start)
	b.StopTimer()
	total := 0
	for _, n := range counts {
		total += n
	}
	require.Equal(b, int(epochs)*perEpoch*workers, total)
	b.ReportMetric(float64(total)/elapsed.Seconds(), "records/s")
	b.ReportMetric(float64(epochs), "epochs")
}

func TestHasPointers(t *testing.T) {
	type flat struct {
		A uint64
		B [2]float32
		C Tuple2[uint32, int8]
	}
	type deep struct {
		A uint64
		B [1]struct{ S string }
	}
	assert.False(t, hasPointers(reflect.TypeFor[uint64]()))
	assert.False(t, hasPointers(reflect.TypeFor[flat]()))
	assert.False(t, hasPointers(reflect.TypeFor[[0]*int]()))
	assert.True(t, hasPointers(reflect.TypeFor[string]()))
	assert.True(t, hasPointers(reflect.TypeFor[deep]()))
	assert.True(t, hasPointers(reflect.TypeFor[Tuple2[uint32, []byte]]()))
	assert.True(t, hasPointers(reflect.TypeFor[any]()))
}

func TestSortBatchesByTime(t *testing.T) {
	bs := []Batch[int]{{Time: Epoch(2), Data: []int{1}}, {Time: Epoch(1), Data: []int{2}}, {Time: Epoch(2), Data: []int{3}}, {Time: Epoch(1), Data: []int{4}}}
	sortBatches(bs)
	var order []int
	for _, b := range bs {
		order = append(order, b.Data[0])
	}
	assert.Equal(t, []int{2, 4, 1, 3}, order, "by time, in arrival order within a time")
	assert.Zero(t, testing.AllocsPerRun(100, func() { sortBatches(bs) }))
}

// TestPullerMergesTimes: batches of one time that arrive between batches
// of another come out of the puller together, so that an operator's
// pusher sends their records in one batch.
func TestPullerMergesTimes(t *testing.T) {
	c := newTestComputation(t, 1, sourceGraph())
	ch := NewChannel[int](c, 1, 1)
	w := c.workers[0]
	p, q := ch.Pusher(w), ch.Puller(w)
	for i := range 6 {
		p.Give(Epoch(uint64(i%2)), 0, i)
		p.Flush()
	}
	var times []Time
	for b, ok := q.Next(); ok; b, ok = q.Next() {
		times = append(times, b.Time)
	}
	assert.Equal(t, []Time{Epoch(0), Epoch(0), Epoch(0), Epoch(1), Epoch(1), Epoch(1)}, times)
}

func TestTryGiveTakesOnlyTheCommonCase(t *testing.T) {
	c := newTestComputation(t, 1, sourceGraph())
	ch := NewChannel[int](c, 1, 1)
	w := c.workers[0]
	p, q := ch.Pusher(w), ch.Puller(w)
	// give is how generated code calls the pair.
	give := func(tm Time, rec int) {
		if !p.TryGiveLocal(tm, rec) {
			p.GiveLocal(tm, rec)
		}
	}

	assert.False(t, p.TryGiveLocal(Epoch(1), 0), "no buffer yet")
	p.GiveLocal(Epoch(1), 0)
	assert.True(t, p.TryGiveLocal(Epoch(1), 1), "a buffer of the time with room")
	assert.False(t, p.TryGiveLocal(Epoch(2), 2), "a record of another time")
	assert.Empty(t, w.dirty[1:], "TryGive registers nothing")
	for i := 2; i < BatchSize; i++ {
		give(Epoch(1), i)
	}
	b, ok := q.Next()
	require.True(t, ok, "the record that fills the buffer goes through Give, which sends it")
	want := make([]int, BatchSize)
	for i := range want {
		want[i] = i
	}
	assert.Equal(t, want, b.Data)
	q.Recycle(b.Data)
	_, ok = q.Next()
	assert.False(t, ok)

	// A recycled slice of a larger capacity still fills to BatchSize.
	ch.free.put(make([]int, 0, 4*BatchSize))
	for i := 0; i < BatchSize+1; i++ {
		give(Epoch(3), i)
	}
	b, ok = q.Next()
	require.True(t, ok)
	assert.Len(t, b.Data, BatchSize)
	p.Flush()
	assert.Equal(t, []int{BatchSize}, drain(q, nil))
}

// TestPutAtTheCurrentTime checks TryPut and Put, which send at the time of
// the last At: buffers of other times keep their records and lose their
// room, so that TryPut never adds to them, and get it back when their
// time comes back, so that records of interleaved times still travel one
// batch per time and target.
func TestPutAtTheCurrentTime(t *testing.T) {
	c := newTestComputation(t, 2, sourceGraph())
	ch := NewChannel[int](c, 1, 1)
	w0, w1 := c.workers[0], c.workers[1]
	p := ch.Pusher(w0)
	q0, q1 := ch.Puller(w0), ch.Puller(w1)
	put := func(target, rec int) { // as generated code calls the pair
		if !p.TryPut(target, rec) {
			p.Put(target, rec)
		}
	}

	p.At(Epoch(1))
	assert.False(t, p.TryPut(1, 10), "no buffer yet")
	p.Put(1, 10)
	assert.True(t, p.TryPut(1, 11), "a buffer of the current time with room")
	p.At(Epoch(2))
	assert.False(t, p.TryPut(1, 20), "the buffer of worker 1 holds epoch 1")
	put(0, 21)
	p.At(Epoch(1))
	assert.True(t, p.TryPut(1, 12), "epoch 1 is current again")
	assert.False(t, p.TryPut(0, 13), "the buffer of worker 0 holds epoch 2")
	p.Give(Epoch(2), 1, 22) // Give sends at its own time, and makes it current
	assert.True(t, p.TryPut(0, 23), "Give made epoch 2 current")
	p.Flush()
	assert.Equal(t, []Batch[int]{{Time: Epoch(1), Data: []int{10, 11, 12}}, {Time: Epoch(2), Data: []int{22}}}, batches(q1))
	assert.Equal(t, []Batch[int]{{Time: Epoch(2), Data: []int{21, 23}}}, batches(q0))

	for i := range BatchSize + 1 {
		put(1, i)
	}
	b := batches(q1)
	require.Len(t, b, 1, "a full buffer is sent at once")
	assert.Len(t, b[0].Data, BatchSize)
	assert.Equal(t, BatchSize, cap(b[0].Data), "a sent batch has its room back, for the free list")
	p.Flush()
	assert.Equal(t, []Batch[int]{{Time: Epoch(2), Data: []int{BatchSize}}}, batches(q1))
}

// batches takes every batch that arrived at q.
func batches(q *Puller[int]) []Batch[int] {
	var out []Batch[int]
	for b, ok := q.Next(); ok; b, ok = q.Next() {
		out = append(out, b)
	}
	return out
}
