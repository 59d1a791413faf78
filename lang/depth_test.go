package lang

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	tdrt "github.com/tdflow/tdc/runtime"
)

// TestLoopDepthMatchesRuntime keeps the checker's loop depth and its Time
// in step with the runtime's Time, which generated code hands to handlers.
func TestLoopDepthMatchesRuntime(t *testing.T) {
	require.Equal(t, tdrt.MaxLoopDepth, maxLoopDepth)
	require.True(t, strings.Contains(timeSource, fmt.Sprintf("Rounds [%d]uint32", tdrt.MaxLoopDepth)), "timeSource declares Rounds of another length")
}
