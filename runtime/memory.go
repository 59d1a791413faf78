package runtime

import (
	"fmt"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The memory limit (Config.MaxMemory) keeps a computation's heap under
// a bound and ends the computation cleanly past it, instead of letting
// the Go runtime die of an out-of-memory fatal error with a goroutine
// dump. It sets the runtime's soft limit (debug.SetMemoryLimit), so that
// the collector works harder as the heap nears the limit, and a monitor
// reads the live heap (what the last collection found reachable) every
// memoryEvery: past the limit, the computation fails with a
// *MemoryError naming the operators that hold the most state, which,
// like any failure, ends every process.
//
// To name them, the monitor bumps a generation counter at every check;
// a worker that finishes a Run of an operator in a new generation asks
// the operator (a Stateful) for its estimate and publishes it. State
// changes only in Run, so an operator that did not run still holds what
// it last reported. The cost is an atomic load per Run, and one estimate
// per operator and check. The monitor also keeps each operator's peak,
// which Config.Stats prints at the end.

// memoryEvery is the longest time between two checks of the monitor;
// the first checks come sooner (1 ms, then doubling), so that short
// computations are measured too.
const memoryEvery = 50 * time.Millisecond

// OperatorState is the state an operator holds in this process: the
// sum of the estimates of its instances on every worker.
type OperatorState struct {
	Name  string // OperatorInfo.Name
	Pos   string // OperatorInfo.Pos
	Bytes int64
}

// MemoryError is the live heap past Config.MaxMemory.
type MemoryError struct {
	Limit int64           // Config.MaxMemory
	Live  int64           // the live heap when it was found past the limit
	Top   []OperatorState // the operators holding the most state, most first
}

// Error returns `memory limit of <Limit> exceeded: ...`, naming the
// operators of Top.
func (e *MemoryError) Error() string {
	msg := fmt.Sprintf("memory limit of %s exceeded (%s of live heap)", FormatBytes(e.Limit), FormatBytes(e.Live))
	if len(e.Top) == 0 {
		return msg + "; no operator holds state: the memory is records in flight or the lambdas' own"
	}
	parts := make([]string, len(e.Top))
	for i, s := range e.Top {
		parts[i] = fmt.Sprintf("%s: %s holds %s", s.Pos, s.Name, FormatBytes(s.Bytes))
	}
	return msg + "; the most state (estimated): " + strings.Join(parts, ", ")
}

// watchMemory is the memory monitor's goroutine; it runs until the
// computation ends.
func (c *Computation) watchMemory() {
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	wait := time.Millisecond
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-timer.C:
		}
		c.measureGen.Add(1)
		states := c.operatorStates()
		for i, s := range states {
			if s.Bytes > c.peakState[i].Load() {
				c.peakState[i].Store(s.Bytes)
			}
		}
		if limit := c.cfg.MaxMemory; limit > 0 {
			metrics.Read(live)
			if n := int64(live[0].Value.Uint64()); n > limit {
				c.fail(&MemoryError{Limit: limit, Live: n, Top: topStates(states, 3)})
				return
			}
		}
		wait = min(2*wait, memoryEvery)
		timer.Reset(wait)
	}
}

// operatorStates returns the state of every operator, by index, as the
// workers last reported it.
func (c *Computation) operatorStates() []OperatorState {
	states := make([]OperatorState, len(c.graph.Operators))
	for i, info := range c.graph.Operators {
		states[i] = OperatorState{Name: info.Name, Pos: info.Pos}
		for _, w := range c.workers {
			states[i].Bytes += w.state[i].Load()
		}
	}
	return states
}

// topStates returns the n states of most bytes, most first, without
// those of none.
func topStates(states []OperatorState, n int) []OperatorState {
	top := slices.Clone(states)
	slices.SortStableFunc(top, func(a, b OperatorState) int { return int(min(max(b.Bytes-a.Bytes, -1), 1)) })
	for len(top) > 0 && top[len(top)-1].Bytes == 0 {
		top = top[:len(top)-1]
	}
	return top[:min(n, len(top))]
}

// PeakState returns the most state each operator held in this process
// at the monitor's checks, which run when Config.MaxMemory or
// Config.Stats is set, operators holding most first.
func (c *Computation) PeakState() []OperatorState {
	states := make([]OperatorState, len(c.graph.Operators))
	for i, info := range c.graph.Operators {
		states[i] = OperatorState{Name: info.Name, Pos: info.Pos, Bytes: c.peakState[i].Load()}
	}
	return topStates(states, len(states))
}

// printStateStats writes the operators' peak state to Config.Stats.
func (c *Computation) printStateStats() {
	who := c.graph.Name
	if c.processes > 1 {
		who += fmt.Sprintf(": process %d", c.cfg.Cluster.Index)
	}
	for _, s := range c.PeakState() {
		fmt.Fprintf(c.cfg.Stats, "%s: state of %s at %s: peak %s (estimated)\n", who, s.Name, s.Pos, FormatBytes(s.Bytes))
	}
}

// measure publishes the state of operator op of the worker, when the
// monitor started a check since the worker last did. It runs after each
// Run.
func (w *Worker) measure(op int) {
	g := w.c.measureGen.Load()
	if g == w.measured[op] {
		return
	}
	w.measured[op] = g
	if s := w.stateful[op]; s != nil {
		w.state[op].Store(s.StateBytes())
	}
}

// setMemoryLimit sets the runtime's soft memory limit for the
// computation, when it has one, and raises the heap floor (see
// raiseHeapFloor); restore puts the previous settings back.
func (c *Computation) setMemoryLimit() (restore func()) {
	lower := raiseHeapFloor()
	if c.cfg.MaxMemory <= 0 {
		return lower
	}
	prev := debug.SetMemoryLimit(c.cfg.MaxMemory)
	return func() {
		debug.SetMemoryLimit(prev)
		lower()
	}
}

// FormatBytes formats n bytes with a binary unit: "512 B", "1.5 KiB",
// "12.3 MiB", "2.0 GiB".
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f, u := float64(n)/unit, 0
	for f >= unit && u < 4 {
		f /= unit
		u++
	}
	return fmt.Sprintf("%.1f %ciB", f, "KMGTP"[u])
}

// ParseBytes parses a size: a number of bytes, optionally followed by
// B, KiB, MiB, GiB or TiB (powers of 1024) or KB, MB, GB or TB (powers
// of 1000), as in "512MiB" or "2 GB".
func ParseBytes(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.TrimSpace(t[i:])
	mult, ok := map[string]float64{
		"": 1, "B": 1,
		"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40,
		"KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
	}[unit]
	if !ok {
		return 0, fmt.Errorf("size %q: unknown unit %q; use B, KiB, MiB, GiB, TiB, KB, MB, GB or TB", s, unit)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("size %q: want a number of bytes with a unit, such as 512MiB", s)
	}
	if v*mult >= 1<<62 {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return int64(v * mult), nil
}
