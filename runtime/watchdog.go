package runtime

import (
	"bytes"
	"fmt"
	"io"
	"os"
	goruntime "runtime"
	"strconv"
	"time"
)

// The stall watchdog (Config.StallTimeout) finds an operator that has run
// for longer than the timeout without returning: a lambda that loops
// forever or waits for something that never comes. Operators share their
// worker's goroutine, so such an operator stops its worker, and, since
// heartbeats keep flowing, the whole computation hangs without an error.
//
// Each worker counts the starts and ends of its operators' runs in an
// atomic (odd while one runs); the watchdog samples the counts every
// quarter of the timeout, and a count that stayed odd and unchanged for
// the timeout is a stall. It names the operator, its .tdf position and,
// from the worker goroutine's stack, the lambda running. Without
// Config.StallExit the stall is reported to Config.Log and the
// computation goes on (the operator may yet return, which is reported
// too); with it, the computation fails with a *StallError, on every
// process, without waiting for the stalled worker, which cannot be
// stopped from outside.

// StallError is an operator that ran for longer than Config.StallTimeout
// without returning.
type StallError struct {
	Op      string        // OperatorInfo.Name, e.g. "lines+flat_map"
	Pos     string        // OperatorInfo.Pos, e.g. "wordcount.tdf:13:2"
	Lambda  *LambdaSite   // the lambda on the worker's stack, if one is
	Worker  int           // global index of the stalled worker
	For     time.Duration // how long it had run when it was found
	Timeout time.Duration // Config.StallTimeout
}

// Error returns `<Pos>: <Op>: has run for <For> without returning ...`.
func (e *StallError) Error() string {
	where := ""
	if e.Lambda != nil {
		where = fmt.Sprintf(", in the lambda of %s at %s", e.Lambda.Op, e.Lambda.Pos)
	}
	return fmt.Sprintf("%s: %s: has run for over %v without returning (worker %d%s; stall timeout %v)",
		e.Pos, e.Op, e.For.Round(time.Millisecond), e.Worker, where, e.Timeout)
}

// watchdogTick returns how often the watchdog samples for timeout.
func watchdogTick(timeout time.Duration) time.Duration {
	return min(max(timeout/4, 10*time.Millisecond), time.Second)
}

// stallWatch is what the watchdog knows of one worker.
type stallWatch struct {
	seq      uint64    // the run count last seen
	since    time.Time // when it was first seen
	reported *StallError
}

// watchStalls is the watchdog's goroutine; it runs until the computation
// ends.
func (c *Computation) watchStalls() {
	timeout := c.cfg.StallTimeout
	t := time.NewTicker(watchdogTick(timeout))
	defer t.Stop()
	seen := make([]stallWatch, len(c.workers))
	for {
		var now time.Time
		select {
		case <-c.done:
			return
		case now = <-t.C:
		}
		for i, w := range c.workers {
			s := &seen[i]
			seq := w.runSeq.Load()
			if seq != s.seq {
				if s.reported != nil {
					fmt.Fprintf(c.log(), "%s: warning: %s: %s returned after %v\n", c.graph.Name, s.reported.Pos, s.reported.Op, now.Sub(s.since).Round(time.Millisecond))
				}
				*s = stallWatch{seq: seq, since: now}
				continue
			}
			if seq%2 == 0 || s.reported != nil || now.Sub(s.since) < timeout {
				continue
			}
			s.reported = c.stallError(w, now.Sub(s.since))
			if c.cfg.StallExit {
				c.abandon(s.reported)
				return
			}
			fmt.Fprintf(c.log(), "%s: warning: %v\n", c.graph.Name, s.reported)
		}
	}
}

// stallError describes the stalled operator of worker w.
func (c *Computation) stallError(w *Worker, ran time.Duration) *StallError {
	info := c.graph.Operators[w.runOp.Load()]
	e := &StallError{Op: info.Name, Pos: info.Pos, Worker: w.global, For: ran, Timeout: c.cfg.StallTimeout}
	if stack := goroutineStack(w.goid.Load()); stack != nil {
		if site, ok := c.graph.lambdaInStack(stack); ok {
			e.Lambda = &site
		}
	}
	return e
}

// abandon fails the computation with err and lets Wait return without
// waiting for the workers that cannot stop (a stalled one).
func (c *Computation) abandon(err error) {
	c.abandonOnce.Do(func() { close(c.abandoned) })
	c.fail(err)
}

// log returns where reports that do not end the computation go.
func (c *Computation) log() io.Writer {
	if c.cfg.Log != nil {
		return c.cfg.Log
	}
	return os.Stderr
}

// goroutineID returns the id of the calling goroutine, from the first
// line of its stack ("goroutine 18 [running]:").
func goroutineID() int64 {
	var buf [64]byte
	b := buf[:goruntime.Stack(buf[:], false)]
	b, _ = bytes.CutPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i >= 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseInt(string(b), 10, 64)
	return id
}

// goroutineStack returns the stack of goroutine id, or nil.
func goroutineStack(id int64) []byte {
	if id == 0 {
		return nil
	}
	buf := make([]byte, 1<<20)
	for {
		n := goruntime.Stack(buf, true)
		if n < len(buf) || len(buf) >= 64<<20 {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	head := []byte("goroutine " + strconv.FormatInt(id, 10) + " [")
	for len(buf) > 0 {
		block := buf
		if i := bytes.Index(buf, []byte("\n\n")); i >= 0 {
			block, buf = buf[:i], buf[i+2:]
		} else {
			buf = nil
		}
		if bytes.HasPrefix(block, head) {
			return block
		}
	}
	return nil
}
