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
	maxMemory    string
}

func (lf *limitFlags) register(fs *flag.FlagSet) {
	fs.DurationVar(&lf.stallTimeout, "stall-timeout", 0, "report an operator that has run this long without returning, naming it and its .tdf position (0: never)")
	fs.StringVar(&lf.maxMemory, "max-memory", "", "keep the heap under this size (e.g. 512MiB, 2GB) and end the computation, naming the operators holding the most state, past it")
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
	if lf.maxMemory != "" {
		n, err := ParseBytes(lf.maxMemory)
		if err != nil {
			return fmt.Errorf("-max-memory: %v", err)
		}
		if n == 0 {
			return fmt.Errorf("-max-memory %s: want a positive size", lf.maxMemory)
		}
		cfg.MaxMemory = n
	}
	return nil
}
