package runtime

import (
	"bytes"
	"testing"

	"github.com/prometheus/common/expfmt"
	promodel "github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMetricsText checks the text format against Prometheus's own
// parser: every family once, with its type, labels escaped and sorted,
// and the Go and process metrics beside the computation's.
func TestMetricsText(t *testing.T) {
	var s metricSet
	s.addSnapshot(&Snapshot{
		Dataflow: "a \"quoted\" \\ name\nwith a line",
		Operators: []OperatorSnapshot{
			{ID: 0, Name: "lines+map", Pos: "t.tdf:1:1", Workers: []WorkerSnapshot{{Worker: 0, RecordsOut: 5}, {Worker: 1, RecordsOut: 1e6}}},
		},
		Running: true,
		Elapsed: 0.25,
	})
	s.addProcess()
	text := s.text()
	assert.Contains(t, string(text), `tdc_operator_records_out_total{dataflow="a \"quoted\" \\ name\nwith a line",op="0",operator="lines+map",process="0",tdf="t.tdf:1:1",worker="1"} 1e+06`)
	parser := expfmt.NewTextParser(promodel.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(bytes.NewReader(text))
	require.NoError(t, err, "%s", text)
	out := fams["tdc_operator_records_out_total"]
	require.NotNil(t, out)
	assert.Equal(t, "COUNTER", out.GetType().String())
	require.Len(t, out.GetMetric(), 2)
	assert.Equal(t, 1e6, out.GetMetric()[1].GetCounter().GetValue())
	assert.Equal(t, "a \"quoted\" \\ name\nwith a line", out.GetMetric()[1].GetLabel()[0].GetValue())
	assert.Equal(t, 1.0, fams["tdc_running"].GetMetric()[0].GetGauge().GetValue())
	assert.Equal(t, "GAUGE", fams["tdc_running"].GetType().String())
	for _, name := range []string{"go_goroutines", "go_threads", "go_info", "go_memstats_heap_alloc_bytes", "process_cpu_seconds_total", "process_resident_memory_bytes", "process_start_time_seconds"} {
		require.Contains(t, fams, name)
		m := fams[name].GetMetric()[0]
		assert.Positive(t, m.GetGauge().GetValue()+m.GetCounter().GetValue(), name)
	}
}
