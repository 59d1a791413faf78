package latency

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOneRecordPerEpoch feeds one record per epoch and waits for each at
// the probe, as the latency benchmark (bench/latency.go) does.
func TestOneRecordPerEpoch(t *testing.T) {
	for _, workers := range []int{1, 2, 4} {
		t.Run(fmt.Sprintf("w%d", workers), func(t *testing.T) {
			cfg := DefaultLatencyConfig()
			cfg.Runtime.Workers = workers
			df, err := NewLatency(cfg)
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			df.Start(ctx)
			for e := uint64(0); e < 100; e++ {
				assert.False(t, df.Done.Done(e), "epoch %d done before it was sent", e)
				df.Values.Send(e)
				require.NoError(t, df.Values.AdvanceTo(e+1))
				require.NoError(t, df.Done.Wait(ctx, e))
			}
			require.NoError(t, df.Values.Close())
			require.NoError(t, df.Wait())
			assert.True(t, df.Done.Done(1<<62))
		})
	}
}
