package main

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/tdflow/tdc/examples/latency"
)

// latencyResult is what measureLatency found: the time of each epoch, sorted.
type latencyResult struct {
	Epochs []time.Duration
}

// Median is the median time per epoch.
func (r latencyResult) Median() time.Duration { return r.Quantile(0.5) }

// P99 is the 99th percentile of the time per epoch.
func (r latencyResult) P99() time.Duration { return r.Quantile(0.99) }

// Quantile is the q-quantile (0 <= q <= 1) of the time per epoch, the
// nearest rank; 0 with no epochs.
func (r latencyResult) Quantile(q float64) time.Duration {
	if len(r.Epochs) == 0 {
		return 0
	}
	i := int(q*float64(len(r.Epochs)-1) + 0.5)
	return r.Epochs[min(max(i, 0), len(r.Epochs)-1)]
}

// measureLatency runs Latency on workers workers for epochs epochs, sending one
// record per epoch and waiting at the probe for it, and returns the time
// of each epoch.
func measureLatency(ctx context.Context, workers, epochs int) (latencyResult, error) {
	cfg := latency.DefaultLatencyConfig()
	cfg.Runtime.Workers = workers
	df, err := latency.NewLatency(cfg)
	if err != nil {
		return latencyResult{}, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	df.Start(ctx)
	times := make([]time.Duration, epochs)
	for e := range epochs {
		start := time.Now()
		df.Values.Send(uint64(e))
		if err := df.Values.AdvanceTo(uint64(e + 1)); err != nil {
			return latencyResult{}, stop(df, cancel, err)
		}
		if err := df.Done.Wait(ctx, uint64(e)); err != nil {
			return latencyResult{}, stop(df, cancel, err)
		}
		times[e] = time.Since(start)
	}
	if err := df.Values.Close(); err != nil {
		return latencyResult{}, stop(df, cancel, err)
	}
	if err := df.Wait(); err != nil {
		return latencyResult{}, err
	}
	slices.Sort(times)
	return latencyResult{Epochs: times}, nil
}

// stop cancels the run after err and waits for the workers.
func stop(df *latency.Latency, cancel context.CancelFunc, err error) error {
	cancel()
	werr := df.Wait()
	if errors.Is(werr, context.Canceled) {
		werr = nil
	}
	return errors.Join(err, werr)
}
