package runtime

import (
	"errors"
	"fmt"
	"sync"
)

// ErrInputClosed is returned by [Input.AdvanceTo] after [Input.Close].
var ErrInputClosed = errors.New("runtime: input closed")

// Input is a host-fed input: the input handle of a generated Go API. The
// host holds the capability at location loc, the output of the input
// operator, at the current epoch; the records it sends enter channel ch,
// whose target is the input operator on each worker, which forwards them.
//
// Send buffers records; each full buffer becomes a batch handed to the
// next worker in turn (round-robin), and +1 at the channel's target is
// applied to the tracker directly by the host, in order with its
// capability changes. An Input is safe for concurrent use, but records
// sent concurrently are ordered arbitrarily.
type Input[T any] struct {
	c   *Computation
	loc Location
	ch  *Channel[T]

	mu      sync.Mutex
	epoch   uint64
	closed  bool
	buf     []T
	next    int // the worker that gets the next batch
	batch   ChangeBatch
	changed []Location
}

// NewInput returns the input handle that holds the host capability at loc
// (one of the graph's HostCapabilities) and feeds ch. The capability
// starts at epoch 0. It panics when loc is not a host capability, already
// has an input, or when the computation has started.
func NewInput[T any](c *Computation, loc Location, ch *Channel[T]) *Input[T] {
	if ch.c != c {
		panic("runtime: NewInput: channel of another computation")
	}
	if err := c.registerInput(loc); err != nil {
		panic(err.Error())
	}
	return &Input[T]{c: c, loc: loc, ch: ch}
}

// Epoch returns the current epoch: the time of the records Send sends.
func (in *Input[T]) Epoch() uint64 {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.epoch
}

// Send sends recs at the current epoch. Records sent after Close, or after
// the computation ended with an error, are dropped: AdvanceTo and Close
// report the error.
func (in *Input[T]) Send(recs ...T) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.closed || in.c.stopped.Load() {
		return
	}
	for _, r := range recs {
		if in.buf == nil {
			in.buf = in.ch.free.get()
		}
		in.buf = append(in.buf, r)
		if len(in.buf) >= BatchSize {
			in.flush()
		}
	}
}

// AdvanceTo sends the buffered records and moves the capability to epoch,
// which must not be less than the current epoch. Once epoch e is left,
// operators downstream can complete e. AdvanceTo to the current epoch only
// sends the buffered records.
func (in *Input[T]) AdvanceTo(epoch uint64) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if err := in.failed(); err != nil {
		return err
	}
	if in.closed {
		return ErrInputClosed
	}
	if epoch < in.epoch {
		return fmt.Errorf("runtime: input: AdvanceTo(%d) after epoch %d; epochs never go back", epoch, in.epoch)
	}
	in.flush()
	if epoch > in.epoch {
		in.batch.Add(in.loc, Epoch(epoch), 1)
		in.batch.Add(in.loc, Epoch(in.epoch), -1)
		in.changed = in.c.apply(&in.batch, in.changed)
		in.epoch = epoch
	}
	return nil
}

// Close sends the buffered records and drops the capability: no record
// will enter the input any more. Closing a closed input does nothing.
func (in *Input[T]) Close() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if err := in.failed(); err != nil {
		return err
	}
	if in.closed {
		return nil
	}
	in.flush()
	in.batch.Add(in.loc, Epoch(in.epoch), -1)
	in.changed = in.c.apply(&in.batch, in.changed)
	in.closed = true
	in.buf = nil
	return nil
}

// failed returns an error when the computation ended with one.
func (in *Input[T]) failed() error {
	if err := in.c.Err(); err != nil {
		return fmt.Errorf("runtime: input: computation failed: %w", err)
	}
	return nil
}

// flush hands the buffered records to the next worker.
func (in *Input[T]) flush() {
	if len(in.buf) == 0 {
		return
	}
	t := Epoch(in.epoch)
	in.batch.Add(in.ch.target, t, 1)
	in.changed = in.c.apply(&in.batch, in.changed)
	in.ch.hostSent.Add(int64(len(in.buf)))
	in.ch.deliver(in.next, Batch[T]{Time: t, Data: in.buf})
	in.buf = nil
	in.next = (in.next + 1) % len(in.c.workers)
}
