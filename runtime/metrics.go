package runtime

import (
	"io"
	"math"
	"os"
	goruntime "runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"
)

// /metrics is written here in the Prometheus text exposition format
// (version 0.0.4), from a Snapshot taken at scrape time: nothing on the
// workers' paths updates a metric. The runtime writes the format itself
// rather than through Prometheus's client library, whose packages' init
// functions (with protobuf's) took 0.8 ms of every binary's start, a
// quarter of a small program's run.

// Labels of the metrics.
var (
	opLabels   = []string{"dataflow", "process", "worker", "op", "operator", "tdf"}
	chanLabels = []string{"dataflow", "process", "worker", "channel", "from", "to", "kind"}
	peerLabels = []string{"dataflow", "process", "peer"}
	procLabels = []string{"dataflow", "process"}
)

// metricDesc describes one metric family: its name, help text, type
// (counter or gauge) and label names. The families are composite
// literals, so that the compiler lays them out as data: a binary that
// never serves /metrics does no work for them at start.
type metricDesc struct {
	name   string
	help   string
	kind   string
	labels []string
}

// labelOrder returns the positions of d's labels sorted by name, the
// order they are written in.
func (d *metricDesc) labelOrder() []int {
	order := make([]int, len(d.labels))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(d.labels[a], d.labels[b]) })
	return order
}

// The metrics of the computations.
var (
	mRecordsIn  = &metricDesc{kind: "counter", name: "tdc_operator_records_in_total", help: "Records the operator's instance read from its inputs.", labels: opLabels}
	mRecordsOut = &metricDesc{kind: "counter", name: "tdc_operator_records_out_total", help: "Records the operator's instance sent into channels.", labels: opLabels}
	mBatchesIn  = &metricDesc{kind: "counter", name: "tdc_operator_batches_in_total", help: "Batches the operator's instance read.", labels: opLabels}
	mBatchesOut = &metricDesc{kind: "counter", name: "tdc_operator_batches_out_total", help: "Batches the operator's instance sent.", labels: opLabels}
	mRuns       = &metricDesc{kind: "counter", name: "tdc_operator_activations_total", help: "Runs of the operator's instance.", labels: opLabels}
	mRunSeconds = &metricDesc{kind: "counter", name: "tdc_operator_run_seconds_total", help: "Time spent running the operator's instance.", labels: opLabels}
	mQueued     = &metricDesc{kind: "gauge", name: "tdc_operator_queued_records", help: "Records delivered to the operator's instance and not yet read.", labels: opLabels}
	mChRecords  = &metricDesc{kind: "counter", name: "tdc_channel_records_total", help: "Records the worker sent into the channel (worker \"host\": an input).", labels: chanLabels}
	mChBatches  = &metricDesc{kind: "counter", name: "tdc_channel_batches_total", help: "Batches the worker sent into the channel.", labels: chanLabels}
	mChBytes    = &metricDesc{kind: "counter", name: "tdc_channel_wire_bytes_total", help: "Bytes of the frames the worker sent on the channel to other processes.", labels: chanLabels}
	mPeerBytes  = &metricDesc{kind: "counter", name: "tdc_peer_sent_bytes_total", help: "Bytes sent to the peer, headers included.", labels: peerLabels}
	mPeerFrames = &metricDesc{kind: "counter", name: "tdc_peer_sent_frames_total", help: "Frames sent to the peer.", labels: peerLabels}
	mPeerBeats  = &metricDesc{kind: "counter", name: "tdc_peer_sent_heartbeats_total", help: "Heartbeats sent to the peer.", labels: peerLabels}
	mPeerRBytes = &metricDesc{kind: "counter", name: "tdc_peer_received_bytes_total", help: "Bytes received from the peer, headers included.", labels: peerLabels}
	mPeerRFrame = &metricDesc{kind: "counter", name: "tdc_peer_received_frames_total", help: "Frames received from the peer.", labels: peerLabels}
	mPeerRBeats = &metricDesc{kind: "counter", name: "tdc_peer_received_heartbeats_total", help: "Heartbeats received from the peer.", labels: peerLabels}
	mProgress   = &metricDesc{kind: "counter", name: "tdc_progress_updates_total", help: "Progress updates applied, by origin: this process (local) or its peers (remote).", labels: []string{"dataflow", "process", "origin"}}
	mProgFrames = &metricDesc{kind: "counter", name: "tdc_progress_frames_total", help: "Progress frames sent to peers.", labels: procLabels}
	mProgBytes  = &metricDesc{kind: "counter", name: "tdc_progress_bytes_total", help: "Bytes of progress frames sent to peers.", labels: procLabels}
	mEpochs     = &metricDesc{kind: "gauge", name: "tdc_epochs_completed", help: "Epochs that no location holds any more.", labels: procLabels}
	mRunning    = &metricDesc{kind: "gauge", name: "tdc_running", help: "1 while the computation runs.", labels: procLabels}
	mElapsed    = &metricDesc{kind: "gauge", name: "tdc_elapsed_seconds", help: "Time since the computation started, until it ended.", labels: procLabels}
)

// The metrics of the Go runtime and of the process, with the names
// Prometheus's Go and process collectors give them.
var (
	mGoroutines = &metricDesc{kind: "gauge", name: "go_goroutines", help: "Number of goroutines that currently exist."}
	mThreads    = &metricDesc{kind: "gauge", name: "go_threads", help: "Number of OS threads created."}
	mGoInfo     = &metricDesc{kind: "gauge", name: "go_info", help: "Information about the Go environment.", labels: []string{"version"}}
	mMaxProcs   = &metricDesc{kind: "gauge", name: "go_sched_gomaxprocs_threads", help: "The current runtime.GOMAXPROCS setting."}
	mHeapBytes  = &metricDesc{kind: "gauge", name: "go_memstats_heap_alloc_bytes", help: "Bytes of heap objects, live and not yet swept."}
	mSysBytes   = &metricDesc{kind: "gauge", name: "go_memstats_sys_bytes", help: "Bytes of memory obtained from the OS."}
	mGCCycles   = &metricDesc{kind: "counter", name: "go_gc_cycles_total", help: "Completed garbage collection cycles."}
	mGCGoal     = &metricDesc{kind: "gauge", name: "go_gc_heap_goal_bytes", help: "Heap size target for the end of the GC cycle."}
	mCPUSeconds = &metricDesc{kind: "counter", name: "process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds."}
	mResident   = &metricDesc{kind: "gauge", name: "process_resident_memory_bytes", help: "Resident memory size in bytes."}
	mMaxRSS     = &metricDesc{kind: "gauge", name: "process_max_resident_memory_bytes", help: "Most resident memory the process has had, in bytes."}
	mOpenFDs    = &metricDesc{kind: "gauge", name: "process_open_fds", help: "Number of open file descriptors."}
	mStartTime  = &metricDesc{kind: "gauge", name: "process_start_time_seconds", help: "Start time of the process since unix epoch in seconds."}
)

// allMetrics lists the metric families in the order they are written.
var allMetrics = []*metricDesc{
	mRecordsIn,
	mRecordsOut,
	mBatchesIn,
	mBatchesOut,
	mRuns,
	mRunSeconds,
	mQueued,
	mChRecords,
	mChBatches,
	mChBytes,
	mPeerBytes,
	mPeerFrames,
	mPeerBeats,
	mPeerRBytes,
	mPeerRFrame,
	mPeerRBeats,
	mProgress,
	mProgFrames,
	mProgBytes,
	mEpochs,
	mRunning,
	mElapsed,
	mGoroutines,
	mThreads,
	mGoInfo,
	mMaxProcs,
	mHeapBytes,
	mSysBytes,
	mGCCycles,
	mGCGoal,
	mCPUSeconds,
	mResident,
	mMaxRSS,
	mOpenFDs,
	mStartTime,
}

// processStart is about when the process started: when the runtime
// package was initialized.
var processStart = time.Now()

// metricSet collects the samples of a scrape, per family.
type metricSet struct {
	samples map[*metricDesc][]sample
}

// sample is one value of a family with its label values, in the order
// of the family's labels.
type sample struct {
	labels []string
	value  float64
}

func (s *metricSet) add(d *metricDesc, v float64, labels ...string) {
	if s.samples == nil {
		s.samples = make(map[*metricDesc][]sample, len(allMetrics))
	}
	s.samples[d] = append(s.samples[d], sample{labels: labels, value: v})
}

// writeMetrics writes the metrics of the computations of a web server.
func writeMetrics(w io.Writer, comps []*Computation) error {
	var s metricSet
	for _, c := range comps {
		s.addSnapshot(c.snapshot(false))
	}
	s.addProcess()
	_, err := w.Write(s.text())
	return err
}

// text returns the samples in the text format: per family with samples,
// its HELP and TYPE lines, then a line per sample.
func (s *metricSet) text() []byte {
	var b []byte
	for _, d := range allMetrics {
		samples := s.samples[d]
		if len(samples) == 0 {
			continue
		}
		b = append(b, "# HELP "...)
		b = append(b, d.name...)
		b = append(b, ' ')
		b = appendEscaped(b, d.help, false)
		b = append(b, "\n# TYPE "...)
		b = append(b, d.name...)
		b = append(b, ' ')
		b = append(b, d.kind...)
		b = append(b, '\n')
		order := d.labelOrder()
		for _, sm := range samples {
			b = append(b, d.name...)
			if len(d.labels) > 0 {
				b = append(b, '{')
				for k, i := range order {
					if k > 0 {
						b = append(b, ',')
					}
					b = append(b, d.labels[i]...)
					b = append(b, `="`...)
					b = appendEscaped(b, sm.labels[i], true)
					b = append(b, '"')
				}
				b = append(b, '}')
			}
			b = append(b, ' ')
			b = appendValue(b, sm.value)
			b = append(b, '\n')
		}
	}
	return b
}

// appendEscaped appends s with backslashes and line feeds escaped, and
// in a label value double quotes too.
func appendEscaped(b []byte, s string, quote bool) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			b = append(b, `\\`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '"' && quote:
			b = append(b, `\"`...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendValue appends v as the format spells numbers.
func appendValue(b []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, "NaN"...)
	case math.IsInf(v, 1):
		return append(b, "+Inf"...)
	case math.IsInf(v, -1):
		return append(b, "-Inf"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// addSnapshot adds the metrics of one process's snapshot.
func (s *metricSet) addSnapshot(sn *Snapshot) {
	proc := strconv.Itoa(sn.Process)
	for _, op := range sn.Operators {
		id := strconv.Itoa(op.ID)
		for _, w := range op.Workers {
			l := []string{sn.Dataflow, proc, strconv.Itoa(w.Worker), id, op.Name, op.Pos}
			s.add(mRecordsIn, float64(w.RecordsIn), l...)
			s.add(mRecordsOut, float64(w.RecordsOut), l...)
			s.add(mBatchesIn, float64(w.BatchesIn), l...)
			s.add(mBatchesOut, float64(w.BatchesOut), l...)
			s.add(mRuns, float64(w.Runs), l...)
			s.add(mRunSeconds, w.RunSeconds, l...)
			s.add(mQueued, float64(w.Queued), l...)
		}
	}
	for _, c := range sn.Channels {
		from := "host"
		if c.From >= 0 {
			from = strconv.Itoa(c.From)
		}
		for i, w := range c.PerWorker {
			l := []string{sn.Dataflow, proc, strconv.Itoa(sn.Process*sn.Workers + i), strconv.Itoa(c.ID), from, strconv.Itoa(c.To), c.Kind}
			s.add(mChRecords, float64(w.Records), l...)
			s.add(mChBatches, float64(w.Batches), l...)
			s.add(mChBytes, float64(w.WireBytes), l...)
		}
		if c.Host > 0 {
			s.add(mChRecords, float64(c.Host), sn.Dataflow, proc, "host", strconv.Itoa(c.ID), from, strconv.Itoa(c.To), c.Kind)
		}
	}
	for _, p := range sn.Peers {
		l := []string{sn.Dataflow, proc, strconv.Itoa(p.Peer)}
		s.add(mPeerBytes, float64(p.SentBytes), l...)
		s.add(mPeerFrames, float64(p.SentFrames), l...)
		s.add(mPeerBeats, float64(p.SentHeartbeats), l...)
		s.add(mPeerRBytes, float64(p.ReceivedBytes), l...)
		s.add(mPeerRFrame, float64(p.ReceivedFrames), l...)
		s.add(mPeerRBeats, float64(p.ReceivedHeartbeats), l...)
	}
	s.add(mProgress, float64(sn.Progress.LocalUpdates), sn.Dataflow, proc, "local")
	s.add(mProgress, float64(sn.Progress.RemoteUpdates), sn.Dataflow, proc, "remote")
	s.add(mProgFrames, float64(sn.Progress.Frames), sn.Dataflow, proc)
	s.add(mProgBytes, float64(sn.Progress.Bytes), sn.Dataflow, proc)
	s.add(mEpochs, float64(sn.EpochsCompleted), sn.Dataflow, proc)
	running := 0.0
	if sn.Running {
		running = 1
	}
	s.add(mRunning, running, sn.Dataflow, proc)
	s.add(mElapsed, sn.Elapsed, sn.Dataflow, proc)
}

// addProcess adds the metrics of the Go runtime and of the process.
func (s *metricSet) addProcess() {
	s.add(mGoroutines, float64(goruntime.NumGoroutine()))
	s.add(mThreads, float64(pprof.Lookup("threadcreate").Count()))
	s.add(mGoInfo, 1, goruntime.Version())
	s.add(mMaxProcs, float64(goruntime.GOMAXPROCS(0)))
	rm := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/gc/cycles/total:gc-cycles"},
		{Name: "/gc/heap/goal:bytes"},
	}
	metrics.Read(rm)
	for i, d := range []*metricDesc{mHeapBytes, mSysBytes, mGCCycles, mGCGoal} {
		if rm[i].Value.Kind() == metrics.KindUint64 {
			s.add(d, float64(rm[i].Value.Uint64()))
		}
	}
	s.addUsage()
	if statm, err := os.ReadFile("/proc/self/statm"); err == nil {
		if f := strings.Fields(string(statm)); len(f) > 1 {
			if pages, err := strconv.ParseUint(f[1], 10, 64); err == nil {
				s.add(mResident, float64(pages)*float64(os.Getpagesize()))
			}
		}
	}
	if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
		s.add(mOpenFDs, float64(len(fds)))
	}
	s.add(mStartTime, float64(processStart.UnixNano())/1e9)
}
