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
// (counter or gauge) and label names; order is the positions of the
// labels sorted by name, the order they are written in.
type metricDesc struct {
	id     int // index into allMetrics
	name   string
	help   string
	kind   string
	labels []string
	order  []int
}

// allMetrics lists the metric families in the order they are written.
var allMetrics []*metricDesc

func metric(kind, name, help string, labels []string) *metricDesc {
	d := &metricDesc{id: len(allMetrics), name: name, help: help, kind: kind, labels: labels}
	d.order = make([]int, len(labels))
	for i := range d.order {
		d.order[i] = i
	}
	slices.SortFunc(d.order, func(a, b int) int { return strings.Compare(labels[a], labels[b]) })
	allMetrics = append(allMetrics, d)
	return d
}

func tdcCounter(name, help string, labels []string) *metricDesc {
	return metric("counter", "tdc_"+name, help, labels)
}

func tdcGauge(name, help string, labels []string) *metricDesc {
	return metric("gauge", "tdc_"+name, help, labels)
}

// The metrics of the computations.
var (
	mRecordsIn  = tdcCounter("operator_records_in_total", "Records the operator's instance read from its inputs.", opLabels)
	mRecordsOut = tdcCounter("operator_records_out_total", "Records the operator's instance sent into channels.", opLabels)
	mBatchesIn  = tdcCounter("operator_batches_in_total", "Batches the operator's instance read.", opLabels)
	mBatchesOut = tdcCounter("operator_batches_out_total", "Batches the operator's instance sent.", opLabels)
	mRuns       = tdcCounter("operator_activations_total", "Runs of the operator's instance.", opLabels)
	mRunSeconds = tdcCounter("operator_run_seconds_total", "Time spent running the operator's instance.", opLabels)
	mQueued     = tdcGauge("operator_queued_records", "Records delivered to the operator's instance and not yet read.", opLabels)
	mChRecords  = tdcCounter("channel_records_total", "Records the worker sent into the channel (worker \"host\": an input).", chanLabels)
	mChBatches  = tdcCounter("channel_batches_total", "Batches the worker sent into the channel.", chanLabels)
	mChBytes    = tdcCounter("channel_wire_bytes_total", "Bytes of the frames the worker sent on the channel to other processes.", chanLabels)
	mPeerBytes  = tdcCounter("peer_sent_bytes_total", "Bytes sent to the peer, headers included.", peerLabels)
	mPeerFrames = tdcCounter("peer_sent_frames_total", "Frames sent to the peer.", peerLabels)
	mPeerBeats  = tdcCounter("peer_sent_heartbeats_total", "Heartbeats sent to the peer.", peerLabels)
	mPeerRBytes = tdcCounter("peer_received_bytes_total", "Bytes received from the peer, headers included.", peerLabels)
	mPeerRFrame = tdcCounter("peer_received_frames_total", "Frames received from the peer.", peerLabels)
	mPeerRBeats = tdcCounter("peer_received_heartbeats_total", "Heartbeats received from the peer.", peerLabels)
	mProgress   = tdcCounter("progress_updates_total", "Progress updates applied, by origin: this process (local) or its peers (remote).", append(procLabels, "origin"))
	mProgFrames = tdcCounter("progress_frames_total", "Progress frames sent to peers.", procLabels)
	mProgBytes  = tdcCounter("progress_bytes_total", "Bytes of progress frames sent to peers.", procLabels)
	mEpochs     = tdcGauge("epochs_completed", "Epochs that no location holds any more.", procLabels)
	mRunning    = tdcGauge("running", "1 while the computation runs.", procLabels)
	mElapsed    = tdcGauge("elapsed_seconds", "Time since the computation started, until it ended.", procLabels)
)

// The metrics of the Go runtime and of the process, with the names
// Prometheus's Go and process collectors give them.
var (
	mGoroutines = metric("gauge", "go_goroutines", "Number of goroutines that currently exist.", nil)
	mThreads    = metric("gauge", "go_threads", "Number of OS threads created.", nil)
	mGoInfo     = metric("gauge", "go_info", "Information about the Go environment.", []string{"version"})
	mMaxProcs   = metric("gauge", "go_sched_gomaxprocs_threads", "The current runtime.GOMAXPROCS setting.", nil)
	mHeapBytes  = metric("gauge", "go_memstats_heap_alloc_bytes", "Bytes of heap objects, live and not yet swept.", nil)
	mSysBytes   = metric("gauge", "go_memstats_sys_bytes", "Bytes of memory obtained from the OS.", nil)
	mGCCycles   = metric("counter", "go_gc_cycles_total", "Completed garbage collection cycles.", nil)
	mGCGoal     = metric("gauge", "go_gc_heap_goal_bytes", "Heap size target for the end of the GC cycle.", nil)
	mCPUSeconds = metric("counter", "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", nil)
	mResident   = metric("gauge", "process_resident_memory_bytes", "Resident memory size in bytes.", nil)
	mMaxRSS     = metric("gauge", "process_max_resident_memory_bytes", "Most resident memory the process has had, in bytes.", nil)
	mOpenFDs    = metric("gauge", "process_open_fds", "Number of open file descriptors.", nil)
	mStartTime  = metric("gauge", "process_start_time_seconds", "Start time of the process since unix epoch in seconds.", nil)
)

// processStart is about when the process started: when the runtime
// package was initialized.
var processStart = time.Now()

// metricSet collects the samples of a scrape, per family.
type metricSet struct {
	samples [][]sample // by metricDesc.id
}

// sample is one value of a family with its label values, in the order
// of the family's labels.
type sample struct {
	labels []string
	value  float64
}

func (s *metricSet) add(d *metricDesc, v float64, labels ...string) {
	if s.samples == nil {
		s.samples = make([][]sample, len(allMetrics))
	}
	s.samples[d.id] = append(s.samples[d.id], sample{labels: labels, value: v})
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
		samples := s.samples[d.id]
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
		for _, sm := range samples {
			b = append(b, d.name...)
			if len(d.labels) > 0 {
				b = append(b, '{')
				for k, i := range d.order {
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
