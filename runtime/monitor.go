package runtime

import (
	"fmt"
	"time"
)

// progressEvery is how often a computation with Config.Progress set
// reports how far it got; tests shorten it.
var progressEvery = 2 * time.Second

// monitor writes a line to Config.Progress every progressEvery until
// the computation ends: the records its workers sent so far, the rate
// since the last line, and the oldest epoch still in progress.
func (c *Computation) monitor() {
	t := time.NewTicker(progressEvery)
	defer t.Stop()
	start := time.Now()
	var last int64
	lastAt := start
	for {
		select {
		case <-c.done:
			return
		case now := <-t.C:
			sent := c.recordsSent()
			rate := float64(sent-last) / now.Sub(lastAt).Seconds()
			last, lastAt = sent, now
			fmt.Fprintf(c.cfg.Progress, "%s: %v: %d records sent (%s/s)%s\n",
				c.graph.Name, now.Sub(start).Round(time.Second), sent, siCount(rate), c.epochNote())
		}
	}
}

// recordsSent sums the records the workers of this process have sent.
func (c *Computation) recordsSent() int64 {
	var n int64
	for _, w := range c.workers {
		for i := range w.opc {
			n += w.opc[i].recordsOut.Load()
		}
	}
	return n
}

// epochNote names the oldest epoch some location still holds.
func (c *Computation) epochNote() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	oldest, found := c.oldestEpoch()
	if !found {
		return ""
	}
	return fmt.Sprintf(", working on epoch %d", oldest)
}

// oldestEpoch returns the oldest epoch in any location's frontier, and
// false when every frontier is empty. c.mu must be held.
func (c *Computation) oldestEpoch() (uint64, bool) { return c.tracker.OldestEpoch() }

// siCount prints a count with a k, M or G suffix.
func siCount(x float64) string {
	switch {
	case x >= 1e9:
		return fmt.Sprintf("%.1fG", x/1e9)
	case x >= 1e6:
		return fmt.Sprintf("%.1fM", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.1fk", x/1e3)
	}
	return fmt.Sprintf("%.0f", x)
}
