package runtime

import (
	"flag"
	"fmt"
	"time"
)

// limitFlags are the flags of a generated binary that bound what a
// computation may do: the stall watchdog and the memory limit (see
// docs/security.md, "Limits").
type limitFlags struct {
	stallTimeout time.Duration
	stallExit    bool
}

func (lf *limitFlags) register(fs *flag.FlagSet) {
	fs.DurationVar(&lf.stallTimeout, "stall-timeout", 0, "report an operator that has run this long without returning, naming it and its .tdf position (0: never)")
	fs.BoolVar(&lf.stallExit, "stall-exit", false, "with -stall-timeout: end the computation, on every process, when an operator stalls, instead of only reporting it")
}

// apply sets the limits of cfg.
func (lf *limitFlags) apply(cfg *Config) error {
	if lf.stallTimeout < 0 {
		return fmt.Errorf("-stall-timeout %v: want a positive duration, or 0 for no watchdog", lf.stallTimeout)
	}
	if lf.stallExit && lf.stallTimeout == 0 {
		return fmt.Errorf("-stall-exit needs -stall-timeout, the time after which an operator has stalled")
	}
	cfg.StallTimeout, cfg.StallExit = lf.stallTimeout, lf.stallExit
	return nil
}
