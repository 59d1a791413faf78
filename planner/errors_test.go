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

// TestCycleWithoutRoundNamesOperator builds, by hand, a cycle that no
// next closes (the language cannot), and expects the error at the
// operator on it.
func TestCycleWithoutRoundNamesOperator(t *testing.T) {
	op := &Op{ID: 0, Kind: ChainOp, Pos: lang.Pos{Filename: "in.tdf", Line: 3, Column: 5}, Stages: []*lang.Node{{Op: "map"}}}
	op.In, op.Out = &Port{Loc: 0}, &Port{Loc: 1}
	ch := &Channel{From: op, To: op, Port: op.In}
	op.In.Channels, op.Out.Channels = []*Channel{ch}, []*Channel{ch}
	p := &planState{g: &Graph{Name: "D", Ops: []*Op{op}, Channels: []*Channel{ch}, Locations: 2}}
	p.paths()
	require.EqualError(t, p.errs.Err(), "in.tdf:3:5: map is on a cycle that does not advance a round, so its records could wait for themselves; a loop goes round only through next")
}
