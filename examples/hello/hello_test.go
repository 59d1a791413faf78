package hello

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHello(t *testing.T) {
	var want []string
	for i := range 10 {
		want = append(want, fmt.Sprintf("hello %d", i))
	}
	for _, workers := range []int{1, 2, 4} {
		t.Run(fmt.Sprintf("w%d", workers), func(t *testing.T) {
			var out bytes.Buffer
			cfg := DefaultHelloConfig()
			cfg.Runtime.Workers = workers
			cfg.Runtime.Stdout = &out
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			require.NoError(t, RunHello(ctx, cfg))
			got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			slices.Sort(got)
			assert.Equal(t, want, got)
		})
	}
}
