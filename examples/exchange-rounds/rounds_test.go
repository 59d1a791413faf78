package rounds

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExchangeRounds(t *testing.T) {
	for _, workers := range []int{1, 2, 4} {
		for _, c := range []struct{ batch, rounds int }{{1, 1}, {100, 10}, {3000, 3}} {
			t.Run(fmt.Sprintf("w%d/b%d/r%d", workers, c.batch, c.rounds), func(t *testing.T) {
				var out bytes.Buffer
				cfg := DefaultExchangeRoundsConfig()
				cfg.Runtime.Workers = workers
				cfg.Runtime.Stdout = &out
				cfg.Params.Batch = c.batch
				cfg.Params.Rounds = c.rounds
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				require.NoError(t, RunExchangeRounds(ctx, cfg))
				assert.Equal(t, "0\n", out.String(), "the last round's token")
			})
		}
	}
}

func TestNumbers(t *testing.T) {
	assert.Equal(t, []uint64{0, 1, 2}, numbers(3))
	big := numbers(len(upTo) + 2)
	assert.Len(t, big, len(upTo)+2)
	assert.Equal(t, uint64(len(upTo)+1), big[len(big)-1])
}
