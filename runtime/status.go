package runtime

import (
	"fmt"
	"time"
)

// statusEvery is how often the status line is redrawn.
var statusEvery = 500 * time.Millisecond

// statusLine keeps a line on Config.Status, a terminal, up to date while
// the computation runs: its time, the epochs completed, and the records
// per second read and sent by its operators since the last redraw. The
// line is erased when the computation ends, so that what follows starts
// on a clean line.
func (c *Computation) statusLine() {
	t := time.NewTicker(statusEvery)
	defer t.Stop()
	var lastIn, lastOut int64
	lastAt := time.Now()
	for {
		select {
		case <-c.done:
			fmt.Fprint(c.cfg.Status, "\r\x1b[K")
			return
		case now := <-t.C:
			s := c.snapshot(false)
			var in, out int64
			for _, op := range s.Operators {
				in += op.RecordsIn
				out += op.RecordsOut
			}
			dt := now.Sub(lastAt).Seconds()
			fmt.Fprintf(c.cfg.Status, "\r\x1b[K%s: %v, %d epochs done, in %s/s, out %s/s",
				c.graph.Name, time.Duration(s.Elapsed*float64(time.Second)).Round(time.Second), s.EpochsCompleted,
				siCount(float64(in-lastIn)/dt), siCount(float64(out-lastOut)/dt))
			lastIn, lastOut, lastAt = in, out, now
		}
	}
}
