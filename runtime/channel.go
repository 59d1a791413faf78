package runtime

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/tdflow/tdc/runtime/tdnet"
)

// BatchSize is the number of records a pusher buffers per target worker
// before it sends them.
const BatchSize = 1024

// SourceChunk is the most records a source (a range, the lines of a file)
// produces in one run before it yields to the other operators. It is many
// batches: records a source produces in one run travel on together, and
// those of later runs trail them, a loop's round or more behind where the
// dataflow has one, so that they can no longer share batches.
const SourceChunk = 16 * BatchSize

// Batch is records that travel together, all at one time.
type Batch[T any] struct {
	Time Time
	Data []T
}

// Channel carries records of type T into the input location Target of
// operator TargetOp, between the workers of this process. It has one
// mailbox per worker; batches are handed over as typed slices. The slices
// come from a free list of the channel that [Puller.Recycle] refills, so a
// channel in steady state allocates nothing per batch.
type Channel[T any] struct {
	c        *Computation
	id       int // the channel's number in frames: the order of NewChannel calls
	target   Location
	targetOp int
	boxes    []mailbox[T]
	free     freeList[T]
	sent     []chanCounters // per worker of this process: what it sent
	hostSent atomic.Int64   // records an Input sent
	codec    *Codec[T]      // encodes batches for workers of other processes
}

// SetCodec gives the channel the encoding of its records, which it needs
// to carry them to workers of other processes. Without one, a computation
// of several processes refuses to start.
func (ch *Channel[T]) SetCodec(codec Codec[T]) {
	if ch.c.started.Load() {
		panic("runtime: SetCodec after Start")
	}
	ch.codec = &codec
}

// mailbox holds the batches that arrived for one worker and that its
// puller has not taken yet.
type mailbox[T any] struct {
	mu        sync.Mutex
	batches   []Batch[T]
	delivered int64    // records put into the mailbox so far
	_         [64]byte // keeps the mailboxes of different workers apart in memory
}

// freeList holds empty record slices of capacity >= BatchSize for reuse.
// Slices of records that hold pointers are cleared, their whole capacity,
// before they are kept, so that a kept slice holds no garbage alive; slices
// of pointer-free records need no clearing.
type freeList[T any] struct {
	mu       sync.Mutex
	bufs     [][]T
	max      int
	pointers bool // T holds pointers
}

// NewChannel returns a channel into location target, an input of operator
// targetOp. It panics when target is not an input of targetOp in the
// computation's graph, or when the computation has started.
func NewChannel[T any](c *Computation, target Location, targetOp int) *Channel[T] {
	if target < 0 || int(target) >= len(c.inputOp) || c.inputOp[target] != targetOp {
		panic(fmt.Sprintf("runtime: NewChannel: location %d is not an input of operator %d", target, targetOp))
	}
	if c.started.Load() {
		panic("runtime: NewChannel after Start")
	}
	n := len(c.workers)
	ch := &Channel[T]{
		c:        c,
		id:       len(c.channels),
		target:   target,
		targetOp: targetOp,
		boxes:    make([]mailbox[T], n),
		free:     freeList[T]{max: freeListMax[T](n), pointers: hasPointers(reflect.TypeFor[T]())},
		sent:     make([]chanCounters, n),
	}
	c.channels = append(c.channels, ch)
	return ch
}

// freeRetain is about the most memory in record slices a channel's free
// list keeps for reuse.
const freeRetain = 32 << 20

// freeListMax returns the number of slices the free list of a channel of
// T between n workers keeps: enough for the batches in flight of a busy
// exchange, within about freeRetain bytes unless n is large.
func freeListMax[T any](n int) int {
	var zero T
	size := max(int(unsafe.Sizeof(zero)), 1) * BatchSize
	return max(freeRetain/size, 4*n*n)
}

// Target returns the input location the channel feeds.
func (ch *Channel[T]) Target() Location { return ch.target }

// snapshot reads the channel's counters (ID, From and Kind are left to
// the caller).
func (ch *Channel[T]) snapshot() ChannelSnapshot {
	s := ChannelSnapshot{To: ch.targetOp, Host: ch.hostSent.Load(), PerWorker: make([]ChannelWorker, len(ch.sent))}
	for i := range ch.sent {
		cc := &ch.sent[i]
		w := ChannelWorker{Records: cc.records.Load(), Batches: cc.batches.Load(), WireBytes: cc.wireBytes.Load()}
		s.PerWorker[i] = w
		s.Records += w.Records
		s.Batches += w.Batches
		s.WireBytes += w.WireBytes
	}
	s.Records += s.Host
	return s
}

// delivered returns the reading operator and the records delivered so
// far to the mailbox of worker w of this process.
func (ch *Channel[T]) delivered(w int) (int, int64) {
	box := &ch.boxes[w]
	box.mu.Lock()
	defer box.mu.Unlock()
	return ch.targetOp, box.delivered
}

// Pusher returns a pusher that sends from worker w. Call it from build.
func (ch *Channel[T]) Pusher(w *Worker) *Pusher[T] {
	ch.checkWorker(w)
	n := ch.c.peers
	return &Pusher[T]{ch: ch, w: w, bufs: make([]pushBuf[T], n), op: -1, counts: &ch.sent[w.index]}
}

// Puller returns the puller of the batches that arrive at worker w. Call
// it from build, once per worker.
func (ch *Channel[T]) Puller(w *Worker) *Puller[T] {
	ch.checkWorker(w)
	return &Puller[T]{ch: ch, w: w, counts: &w.opc[ch.targetOp]}
}

func (ch *Channel[T]) checkWorker(w *Worker) {
	if w.c != ch.c {
		panic("runtime: worker of another computation")
	}
}

// deliver puts b into the mailbox of worker target and activates the
// reading operator there.
func (ch *Channel[T]) deliver(target int, b Batch[T]) {
	box := &ch.boxes[target]
	box.mu.Lock()
	box.batches = append(box.batches, b)
	box.delivered += int64(len(b.Data))
	box.mu.Unlock()
	ch.c.workers[target].activate(ch.targetOp)
}

// get returns an empty slice for records, from the free list if it has one.
func (f *freeList[T]) get() []T {
	f.mu.Lock()
	if n := len(f.bufs); n > 0 {
		b := f.bufs[n-1]
		f.bufs[n-1] = nil
		f.bufs = f.bufs[:n-1]
		f.mu.Unlock()
		return b
	}
	f.mu.Unlock()
	return make([]T, 0, BatchSize)
}

// put keeps b for reuse, if it is large enough and the list is not full.
func (f *freeList[T]) put(b []T) {
	if cap(b) < BatchSize {
		return
	}
	if f.pointers {
		clear(b[:cap(b)]) // drop references the records held
	}
	f.mu.Lock()
	if len(f.bufs) < f.max {
		f.bufs = append(f.bufs, b[:0])
	}
	f.mu.Unlock()
}

// Pusher sends records from one worker into a channel. It buffers records
// per target worker; a buffer holds records of one time, and a record of
// another time puts it aside (see held). A full buffer (BatchSize
// records) or a flush sends the buffer: the batch goes into the target
// worker's mailbox, +1 at (Target, time) is recorded in the sending
// worker's change batch, and TargetOp is activated on the target worker. The worker flushes its pushers before
// it applies its progress, at most a few runs after they buffered and
// before it parks, so records never stay behind; calling Flush before Run
// returns is allowed and cheap. A Pusher is used only on its worker's
// goroutine.
//
// The pusher has a current time, the time of its last Give (or At): the
// buffers of that time have room for more records, those of other times
// look full, so that TryPut, which generated code calls per record, needs
// no comparison of times. A pusher is cheapest fed time by time: each
// change of the current time visits every buffer.
type Pusher[T any] struct {
	ch      *Channel[T]
	w       *Worker
	bufs    []pushBuf[T] // per target worker
	at      Time         // the current time
	all     []T          // records for every worker (GiveAll); nil when none
	allTime Time
	dirty   bool          // some buffer holds records
	op      int           // the operator that pushes (for its counts), noted when it buffers
	counts  *chanCounters // the channel's counts of this worker
	// held is buffers put aside when records of another time came for
	// their target, sent at Flush (or when too many are held): the
	// records of one time that arrive in pieces between those of other
	// times, as a loop's rounds do, still travel together.
	held []heldBuf[T]
	// unwritten is, per process, whether frames were sent to it since
	// the last Flush; Flush writes them to the connection itself (see
	// flushRemote). Nil until the first frame.
	unwritten    []bool
	anyUnwritten bool
}

// heldBuf is a buffer of records for target at time, put aside.
type heldBuf[T any] struct {
	target int
	time   Time
	data   []T
}

// maxHeld is the most buffers a pusher puts aside.
const maxHeld = 16

// pushBuf is the records a pusher holds for one target worker, all at
// time; data is nil when it holds none. It is sent as soon as it holds
// BatchSize records, so a buffer in use always has room for one more.
// Its slice's capacity says what it may take without a look at times:
// BatchSize when time is the pusher's current time, its length (no room)
// when time is another, 0 when it is empty (every buffer is cut from a
// slice of at least BatchSize, so withRoom gives the room back).
//
// Give writes a pushBuf for every record, so it fills a cache line: 64
// bytes, with the padding. Unpadded, the buffers of pushers on two
// workers could share a line, and the exchange benchmark then sometimes
// ran at half speed.
type pushBuf[T any] struct {
	data []T
	time Time
	_    [24]byte
}

// Give sends rec at time t to worker target, 0..Peers()-1.
func (p *Pusher[T]) Give(t Time, target int, rec T) {
	// The common case first, with as few loads and stores as it takes:
	// the buffer holds records of time t and does not fill up with rec.
	// A buffer in use has a capacity of exactly BatchSize and a nil one
	// of 0, so one comparison covers both "in use" and "has room".
	b := &p.bufs[target]
	if n := len(b.data); n+1 < cap(b.data) && b.time == t {
		b.data = b.data[:n+1]
		b.data[n] = rec
		return
	}
	p.give(t, target, rec)
}

// TryGive is the part of Give that generated code inlines into its
// per-record loops: it buffers rec at time t for worker target and
// reports true when the buffer of target holds records of time t and
// has room for rec with more to spare; otherwise it does nothing and
// reports false, and the caller calls Give. (Give itself is too large
// for the compiler to inline, and a call per record is a third of an
// exchange's time.)
func (p *Pusher[T]) TryGive(t Time, target int, rec T) bool {
	b := &p.bufs[target]
	if n := len(b.data); n+1 < cap(b.data) && b.time == t {
		b.data = b.data[:n+1]
		b.data[n] = rec
		return true
	}
	return false
}

// TryGiveLocal is TryGive to the pusher's own worker, the inlined part
// of GiveLocal.
func (p *Pusher[T]) TryGiveLocal(t Time, rec T) bool { return p.TryGive(t, p.w.global, rec) }

// At makes t the pusher's current time, the time of TryPut and Put.
// Generated code calls it once for each batch of records it pushes.
func (p *Pusher[T]) At(t Time) {
	if p.at != t {
		p.switchTo(t)
	}
}

// TryPut is TryGive at the pusher's current time (see At), without a
// comparison of times: it buffers rec for worker target and reports
// true when the buffer of target holds records of the current time and
// has room for rec with more to spare; otherwise it does nothing and
// reports false, and the caller calls Put.
func (p *Pusher[T]) TryPut(target int, rec T) bool {
	b := &p.bufs[target]
	if n := len(b.data); n+1 < cap(b.data) {
		b.data = b.data[:n+1]
		b.data[n] = rec
		return true
	}
	return false
}

// Put sends rec at the pusher's current time to worker target: Give at
// the time of the last At.
func (p *Pusher[T]) Put(target int, rec T) { p.give(p.at, target, rec) }

// TryPutLocal is TryPut to the pusher's own worker.
func (p *Pusher[T]) TryPutLocal(rec T) bool { return p.TryPut(p.w.global, rec) }

// PutLocal is Put to the pusher's own worker.
func (p *Pusher[T]) PutLocal(rec T) { p.give(p.at, p.w.global, rec) }

// switchTo makes t the current time: the buffers of t get their room
// back, the others lose theirs.
func (p *Pusher[T]) switchTo(t Time) {
	p.at = t
	if !p.dirty {
		return // no buffer holds records
	}
	for i := range p.bufs {
		b := &p.bufs[i]
		switch {
		case b.data == nil:
		case b.time == t:
			b.data = withRoom(b.data)
		default:
			b.data = b.data[:len(b.data):len(b.data)]
		}
	}
}

// withRoom returns buf, a pushBuf's records, with its capacity of
// BatchSize back.
func withRoom[T any](buf []T) []T {
	return unsafe.Slice(unsafe.SliceData(buf), BatchSize)[:len(buf)]
}

// give is Give when the buffer of target is empty, holds records of
// another time, which it puts aside (taking up the one of time t put
// aside before, if any), or fills up with rec, or when t is not the
// current time.
func (p *Pusher[T]) give(t Time, target int, rec T) {
	if t != p.at {
		p.switchTo(t)
	}
	b := &p.bufs[target]
	if b.data != nil && b.time != t {
		p.hold(target, t)
	}
	if b.data == nil {
		b.data = p.ch.free.get()[:0:BatchSize]
		b.time = t
		if !p.dirty {
			p.dirty = true
			p.op = p.w.cur
			p.w.markDirty(p)
		}
	}
	b.data = append(b.data, rec)
	if len(b.data) >= BatchSize {
		p.send(target)
	}
}

// hold puts the buffer of target aside, and takes up the one of time t
// put aside before, if there is one.
func (p *Pusher[T]) hold(target int, t Time) {
	b := &p.bufs[target]
	for i := range p.held {
		if h := &p.held[i]; h.target == target && h.time == t {
			// t is the current time (give switched to it): the buffer
			// taken up gets its room back.
			h.time, b.time = b.time, h.time
			h.data, b.data = b.data, withRoom(h.data)
			return
		}
	}
	if len(p.held) == maxHeld {
		p.sendHeld(0)
		p.held = append(p.held[:0], p.held[1:]...)
	}
	p.held = append(p.held, heldBuf[T]{target: target, time: b.time, data: b.data})
	b.data = nil
}

// sendHeld sends the buffer held[i].
func (p *Pusher[T]) sendHeld(i int) {
	h := &p.held[i]
	b := &p.bufs[h.target]
	data, t := b.data, b.time
	b.data, b.time = h.data, h.time
	p.send(h.target)
	b.data, b.time = data, t
	h.data = nil
}

// GiveLocal sends rec at time t to the pusher's own worker (a pipeline
// edge).
func (p *Pusher[T]) GiveLocal(t Time, rec T) { p.Give(t, p.w.global, rec) }

// GiveAll sends rec at time t to every worker of every process (a
// broadcast edge). Between processes, one copy of a batch crosses each
// connection and is fanned out to the workers on arrival.
func (p *Pusher[T]) GiveAll(t Time, rec T) {
	if p.all != nil && p.allTime != t {
		p.sendAll()
	}
	if p.all == nil {
		p.all = p.ch.free.get()
		p.allTime = t
		if !p.dirty {
			p.dirty = true
			p.op = p.w.cur
			p.w.markDirty(p)
		}
	}
	p.all = append(p.all, rec)
	if len(p.all) >= BatchSize {
		p.sendAll()
	}
}

// Flush sends every buffered record. Called during an operator's Run,
// it leaves them to the worker, which flushes its pushers when it
// applies its progress (see Worker.loop): the records of several runs at
// one time then travel in one batch, where a flush per run would send a
// batch per run and split a loop's rounds into ever smaller batches.
func (p *Pusher[T]) Flush() {
	if !p.dirty || p.w.cur >= 0 {
		return
	}
	for target := range p.bufs {
		if p.bufs[target].data != nil {
			p.send(target)
		}
	}
	for i := range p.held {
		p.sendHeld(i)
	}
	clear(p.held)
	p.held = p.held[:0]
	if p.all != nil {
		p.sendAll()
	}
	p.dirty = false
	if p.anyUnwritten {
		p.flushRemote()
	}
}

// sentRemote notes a frame sent to process proc, for flushRemote.
func (p *Pusher[T]) sentRemote(proc int) {
	if p.unwritten == nil {
		p.unwritten = make([]bool, p.ch.c.processes)
	}
	p.unwritten[proc] = true
	p.anyUnwritten = true
}

// flushRemote writes the frames the pusher sent since its last Flush to
// their connections on this goroutine (tdnet's Sender.Flush), unless a
// write is under way there already. Flush is the worker's, before it
// applies its progress or parks: the frames may be what a peer waits for (the last records of
// a round, a broadcast that starts the next round), and a writer
// goroutine woken by this worker would wait for a free processor while
// the worker runs on, as long as the worker's next run when every
// processor is busy.
func (p *Pusher[T]) flushRemote() {
	c := p.ch.c
	for q, sent := range p.unwritten {
		if !sent {
			continue
		}
		p.unwritten[q] = false
		if err := c.mesh.Sender(q).Flush(); err != nil {
			c.fail(err)
		}
	}
	p.anyUnwritten = false
}

// sendAll sends the broadcast buffer: one frame to each other process,
// and a batch to each worker of this one. Every batch counts +1 at the
// target, those of other processes included.
func (p *Pusher[T]) sendAll() {
	buf, t := p.all, p.allTime
	p.all = nil
	p.count(len(buf))
	c := p.ch.c
	for q := 0; q < c.processes; q++ {
		if q*c.cfg.Workers != c.base {
			p.ch.sendRemote(p.w, int(tdnet.AllWorkers), q, t, buf)
			p.sentRemote(q)
		}
	}
	local := len(p.ch.boxes)
	p.ch.fanOut(t, buf)
	p.w.batch.Add(p.ch.target, t, int64(c.peers-local))
	p.w.batch.Add(p.ch.target, t, int64(local))
}

// fanOut gives every worker of this process a batch of the records in
// buf, which the last worker receives itself.
func (ch *Channel[T]) fanOut(t Time, buf []T) {
	for i := range ch.boxes {
		data := buf
		if i < len(ch.boxes)-1 {
			data = append(ch.free.get(), buf...)
		}
		ch.deliver(i, Batch[T]{Time: t, Data: data})
	}
}

// send sends the buffer of target, which holds at least one record.
func (p *Pusher[T]) send(target int) {
	b := &p.bufs[target]
	t, buf := b.time, withRoom(b.data)
	b.data = nil
	p.count(len(buf))
	if local := target - p.ch.c.base; local >= 0 && local < len(p.ch.boxes) {
		p.ch.deliver(local, Batch[T]{Time: t, Data: buf})
	} else {
		q := target / p.ch.c.cfg.Workers
		p.ch.sendRemote(p.w, target, q, t, buf)
		p.sentRemote(q)
		p.ch.free.put(buf)
	}
	p.w.batch.Add(p.ch.target, t, 1)
}

// count counts a batch of n records sent, for the channel and for the
// operator that runs (pushers send only while their worker runs one).
func (p *Pusher[T]) count(n int) {
	p.counts.records.Add(int64(n))
	p.counts.batches.Add(1)
	if op := p.op; op >= 0 {
		oc := &p.w.opc[op]
		oc.recordsOut.Add(int64(n))
		oc.batchesOut.Add(1)
	}
}

// Puller yields the batches that arrived at one worker. Each batch it
// returns counts as consumed: -1 at (Target, time) in the worker's change
// batch. A Puller is used only on its worker's goroutine.
type Puller[T any] struct {
	ch     *Channel[T]
	w      *Worker
	taken  []Batch[T]  // batches taken from the mailbox at once
	next   int         // the first of taken not yet returned
	counts *opCounters // of the reading operator on this worker
}

// Next returns the next batch that arrived, or false when there is none.
// The batch's Data belongs to the caller, who may give it back with
// Recycle once done with it.
func (q *Puller[T]) Next() (Batch[T], bool) {
	if q.next == len(q.taken) {
		clear(q.taken)
		q.taken = q.taken[:0]
		q.next = 0
		box := &q.ch.boxes[q.w.index]
		box.mu.Lock()
		box.batches, q.taken = q.taken, box.batches
		box.mu.Unlock()
		if len(q.taken) == 0 {
			return Batch[T]{}, false
		}
		sortBatches(q.taken)
	}
	b := q.taken[q.next]
	q.next++
	q.w.batch.Add(q.ch.target, b.Time, -1)
	q.counts.recordsIn.Add(int64(len(b.Data)))
	q.counts.batchesIn.Add(1)
	return b, true
}

// Recycle gives a consumed batch's slice back to the channel for reuse.
// The caller must not use data afterwards.
func (q *Puller[T]) Recycle(data []T) { q.ch.free.put(data) }

// sortBatches orders batches by time, keeping the arrival order of
// batches of one time, so that an operator sees the batches of a time
// one after the other and its pushers merge their records.
func sortBatches[T any](bs []Batch[T]) {
	for i := 1; i < len(bs); i++ {
		if compareTimes(bs[i-1].Time, bs[i].Time) > 0 {
			slices.SortStableFunc(bs, func(a, b Batch[T]) int { return compareTimes(a.Time, b.Time) })
			return
		}
	}
}

// hasPointers reports whether values of type t hold pointers the garbage
// collector follows.
func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return false
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
		return false
	default: // pointers, strings, slices, maps, channels, functions, interfaces
		return true
	}
}
