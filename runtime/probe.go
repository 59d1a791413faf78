package runtime

import (
	"context"
	"errors"
)

// Probe lets the host watch the frontier at an operator input: which
// timestamps may still reach it. A Go program that feeds inputs uses a
// probe to learn that an epoch is complete, that is, that every record of
// the epoch has passed the probe.
type Probe struct {
	c   *Computation
	loc Location
}

// NewProbe returns a probe of the frontier at input location loc. Create
// probes before Start.
func NewProbe(c *Computation, loc Location) *Probe {
	if loc < 0 || int(loc) >= c.graph.Locations {
		panic("runtime: NewProbe: location out of range")
	}
	c.mu.Lock()
	if c.probeCh == nil {
		c.probeCh = make(chan struct{})
	}
	c.mu.Unlock()
	return &Probe{c: c, loc: loc}
}

// Frontier returns a copy of the probe's frontier.
func (p *Probe) Frontier() Antichain {
	p.c.mu.Lock()
	defer p.c.mu.Unlock()
	return append(Antichain(nil), p.c.tracker.Frontier(p.loc)...)
}

// Done reports whether epoch is complete at the probe: no record of the
// epoch, in any round of any loop, can reach it any more.
func (p *Probe) Done(epoch uint64) bool {
	p.c.mu.Lock()
	defer p.c.mu.Unlock()
	return epochDone(p.c.tracker.Frontier(p.loc), epoch)
}

// epochDone reports whether frontier f excludes every time of epoch e.
func epochDone(f Antichain, e uint64) bool {
	for _, t := range f {
		if t.Epoch <= e {
			return false
		}
	}
	return true
}

// ErrEnded is returned by Probe.Wait when the computation ended with an
// error before the epoch completed.
var ErrEnded = errors.New("runtime: computation ended")

// Wait blocks until epoch is complete at the probe. It returns nil then,
// or the computation's error when it failed first, or ctx.Err().
func (p *Probe) Wait(ctx context.Context, epoch uint64) error {
	c := p.c
	for {
		c.mu.Lock()
		done := epochDone(c.tracker.Frontier(p.loc), epoch)
		changed := c.probeCh
		c.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-changed:
		case <-c.done:
			c.mu.Lock()
			done := epochDone(c.tracker.Frontier(p.loc), epoch)
			c.mu.Unlock()
			if done {
				return nil
			}
			if err := c.Err(); err != nil {
				return err
			}
			return ErrEnded
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// noteProbes wakes the probes' waiters after frontiers changed. Called
// with c.mu held.
func (c *Computation) noteProbes(changed []Location) {
	if c.probeCh != nil && len(changed) > 0 {
		close(c.probeCh)
		c.probeCh = make(chan struct{})
	}
}
