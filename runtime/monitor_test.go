package runtime

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// progressBuffer is a strings.Builder safe for the monitor's goroutine.
type progressBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *progressBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *progressBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestProgressReports(t *testing.T) {
	old := progressEvery
	progressEvery = 20 * time.Millisecond
	defer func() { progressEvery = old }()

	var out progressBuffer
	c, err := NewComputation(Config{Workers: 2, Stdout: discard{}, Progress: &out}, sourceGraph())
	require.NoError(t, err)
	ch := NewChannel[uint64](c, 1, 1)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	stop := time.Now().Add(200 * time.Millisecond)
	c.Start(ctx, func(w *Worker) ([]Operator, error) {
		out := ch.Pusher(w)
		in := ch.Puller(w)
		done := false
		src := opFunc(func() error {
			if done {
				return nil
			}
			for i := uint64(0); i < 100; i++ {
				out.GiveLocal(Time{}, i)
			}
			if time.Now().After(stop) {
				done = true
				w.Release(0, Time{})
				return nil
			}
			w.Reactivate()
			return nil
		})
		sink := opFunc(func() error {
			for {
				b, ok := in.Next()
				if !ok {
					return nil
				}
				in.Recycle(b.Data)
			}
		})
		return []Operator{src, sink}, nil
	})
	require.NoError(t, c.Wait())
	report := out.String()
	require.NotEmpty(t, report, "no progress line in 200ms of 20ms intervals")
	first := strings.Split(report, "\n")[0]
	assert.Regexp(t, `^test: \d+s: \d+ records sent \([0-9.]+[kMG]?/s\), working on epoch 0$`, first)
	assert.Positive(t, c.recordsSent())
}
