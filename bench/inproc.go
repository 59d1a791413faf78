package main

import (
	"context"
	"io"
	"runtime/metrics"
	"time"

	"github.com/tdflow/tdc/examples/exchange"
)

// usage is a reading of this process's runtime metrics.
type usage struct{ allocs, gcCPU, cpu, idle float64 }

// readUsage reads the allocation count and the CPU classes.
func readUsage() usage {
	s := []metrics.Sample{
		{Name: "/gc/heap/allocs:objects"},
		{Name: "/cpu/classes/gc/total:cpu-seconds"},
		{Name: "/cpu/classes/total:cpu-seconds"},
		{Name: "/cpu/classes/idle:cpu-seconds"},
	}
	metrics.Read(s)
	f := func(i int) float64 {
		if s[i].Value.Kind() == metrics.KindUint64 {
			return float64(s[i].Value.Uint64())
		}
		return s[i].Value.Float64()
	}
	return usage{f(0), f(1), f(2), f(3)}
}

// since fills m's allocations per record and GC share from before to now.
func (before usage) since(m *measure, records float64) {
	now := readUsage()
	m.allocsPR = (now.allocs - before.allocs) / records
	busy := (now.cpu - now.idle) - (before.cpu - before.idle)
	m.gcFrac = 0 // the CPU classes move only at a collection: none ran
	if busy > 0 {
		m.gcFrac = (now.gcCPU - before.gcCPU) / busy
	}
}

// runHostExchange runs examples/exchange in this process: per round the
// host sends batch numbers per worker and waits at the probe.
func runHostExchange(workers, batch, rounds int) (measure, error) {
	cfg := exchange.DefaultExchangeConfig()
	cfg.Runtime.Workers = workers
	cfg.Runtime.Stdout = io.Discard
	df, err := exchange.NewExchange(cfg)
	if err != nil {
		return measure{}, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	values := make([]uint64, batch*workers)
	for i := range values {
		values[i] = uint64(i % batch)
	}
	before := readUsage()
	start := time.Now()
	df.Start(ctx)
	for r := range rounds {
		df.Values.Send(values...)
		if err := df.Values.AdvanceTo(uint64(r + 1)); err != nil {
			return measure{}, err
		}
		if err := df.Done.Wait(ctx, uint64(r)); err != nil {
			return measure{}, err
		}
	}
	if err := df.Values.Close(); err != nil {
		return measure{}, err
	}
	if err := df.Wait(); err != nil {
		return measure{}, err
	}
	m := measure{wall: time.Since(start), gcFrac: -1}
	before.since(&m, float64(len(values)*rounds))
	return m, nil
}
