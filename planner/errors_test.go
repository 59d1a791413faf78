package planner

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tdflow/tdc/lang"
)

// TestPlanErrors checks programs that lang accepts and the planner
// rejects, with their exact messages.
func TestPlanErrors(t *testing.T) {
	cases := map[string]struct{ src, want string }{
		"exchange after broadcast": {
			src:  "package p\n\ndataflow D {\n\trange(0, 5) -> broadcast() -> exchange(x => x) -> print()\n}\n",
			want: "in.tdf:4:32: exchange right after broadcast at 4:17 is not supported; put an operator between them",
		},
		"broadcast after exchange": {
			src:  "package p\n\ndataflow D {\n\trange(0, 5) -> exchange(x => x) -> broadcast() -> count() -> print()\n}\n",
			want: "in.tdf:4:37: broadcast right after exchange at 4:17 is not supported; put an operator between them",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			f, err := lang.Parse("in.tdf", []byte(c.src))
			require.NoError(t, err)
			prog, err := lang.Check(f, lang.CheckOptions{Dir: "."})
			require.NoError(t, err)
			_, err = Plan(prog)
			require.Error(t, err)
			assert.Equal(t, c.want, err.Error())
		})
	}
}
