package runtime

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// metricsCollector exports the counters of a web server's computations
// to Prometheus. It reads them at scrape time (Collect), from a
// Snapshot: nothing on the workers' paths updates a Prometheus metric.
type metricsCollector struct{ web *webServer }

// Labels of the metrics.
var (
	opLabels   = []string{"dataflow", "process", "worker", "op", "operator", "tdf"}
	chanLabels = []string{"dataflow", "process", "worker", "channel", "from", "to", "kind"}
	peerLabels = []string{"dataflow", "process", "peer"}
	procLabels = []string{"dataflow", "process"}
)

func metric(name, help string, labels []string) *prometheus.Desc {
	return prometheus.NewDesc("tdc_"+name, help, labels, nil)
}

// The metrics.
var (
	mRecordsIn  = metric("operator_records_in_total", "Records the operator's instance read from its inputs.", opLabels)
	mRecordsOut = metric("operator_records_out_total", "Records the operator's instance sent into channels.", opLabels)
	mBatchesIn  = metric("operator_batches_in_total", "Batches the operator's instance read.", opLabels)
	mBatchesOut = metric("operator_batches_out_total", "Batches the operator's instance sent.", opLabels)
	mRuns       = metric("operator_activations_total", "Runs of the operator's instance.", opLabels)
	mRunSeconds = metric("operator_run_seconds_total", "Time spent running the operator's instance.", opLabels)
	mQueued     = metric("operator_queued_records", "Records delivered to the operator's instance and not yet read.", opLabels)
	mChRecords  = metric("channel_records_total", "Records the worker sent into the channel (worker \"host\": an input).", chanLabels)
	mChBatches  = metric("channel_batches_total", "Batches the worker sent into the channel.", chanLabels)
	mChBytes    = metric("channel_wire_bytes_total", "Bytes of the frames the worker sent on the channel to other processes.", chanLabels)
	mPeerBytes  = metric("peer_sent_bytes_total", "Bytes sent to the peer, headers included.", peerLabels)
	mPeerFrames = metric("peer_sent_frames_total", "Frames sent to the peer.", peerLabels)
	mPeerBeats  = metric("peer_sent_heartbeats_total", "Heartbeats sent to the peer.", peerLabels)
	mPeerRBytes = metric("peer_received_bytes_total", "Bytes received from the peer, headers included.", peerLabels)
	mPeerRFrame = metric("peer_received_frames_total", "Frames received from the peer.", peerLabels)
	mPeerRBeats = metric("peer_received_heartbeats_total", "Heartbeats received from the peer.", peerLabels)
	mProgress   = metric("progress_updates_total", "Progress updates applied, by origin: this process (local) or its peers (remote).", append(procLabels, "origin"))
	mProgFrames = metric("progress_frames_total", "Progress frames sent to peers.", procLabels)
	mProgBytes  = metric("progress_bytes_total", "Bytes of progress frames sent to peers.", procLabels)
	mEpochs     = metric("epochs_completed", "Epochs that no location holds any more.", procLabels)
	mRunning    = metric("running", "1 while the computation runs.", procLabels)
	mElapsed    = metric("elapsed_seconds", "Time since the computation started, until it ended.", procLabels)

	allMetrics = []*prometheus.Desc{mRecordsIn, mRecordsOut, mBatchesIn, mBatchesOut, mRuns, mRunSeconds, mQueued,
		mChRecords, mChBatches, mChBytes, mPeerBytes, mPeerFrames, mPeerBeats, mPeerRBytes, mPeerRFrame, mPeerRBeats,
		mProgress, mProgFrames, mProgBytes, mEpochs, mRunning, mElapsed}
)

// Describe sends the descriptions of every metric.
func (m *metricsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range allMetrics {
		ch <- d
	}
}

// Collect sends the current values.
func (m *metricsCollector) Collect(ch chan<- prometheus.Metric) {
	for _, c := range m.web.computations() {
		collectSnapshot(ch, c.snapshot(false))
	}
}

// collectSnapshot sends the metrics of one process's snapshot.
func collectSnapshot(ch chan<- prometheus.Metric, s *Snapshot) {
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	proc := strconv.Itoa(s.Process)
	for _, op := range s.Operators {
		id := strconv.Itoa(op.ID)
		for _, w := range op.Workers {
			l := []string{s.Dataflow, proc, strconv.Itoa(w.Worker), id, op.Name, op.Pos}
			counter(mRecordsIn, float64(w.RecordsIn), l...)
			counter(mRecordsOut, float64(w.RecordsOut), l...)
			counter(mBatchesIn, float64(w.BatchesIn), l...)
			counter(mBatchesOut, float64(w.BatchesOut), l...)
			counter(mRuns, float64(w.Runs), l...)
			counter(mRunSeconds, w.RunSeconds, l...)
			gauge(mQueued, float64(w.Queued), l...)
		}
	}
	for _, c := range s.Channels {
		from := "host"
		if c.From >= 0 {
			from = strconv.Itoa(c.From)
		}
		for i, w := range c.PerWorker {
			l := []string{s.Dataflow, proc, strconv.Itoa(s.Process*s.Workers + i), strconv.Itoa(c.ID), from, strconv.Itoa(c.To), c.Kind}
			counter(mChRecords, float64(w.Records), l...)
			counter(mChBatches, float64(w.Batches), l...)
			counter(mChBytes, float64(w.WireBytes), l...)
		}
		if c.Host > 0 {
			counter(mChRecords, float64(c.Host), s.Dataflow, proc, "host", strconv.Itoa(c.ID), from, strconv.Itoa(c.To), c.Kind)
		}
	}
	for _, p := range s.Peers {
		l := []string{s.Dataflow, proc, strconv.Itoa(p.Peer)}
		counter(mPeerBytes, float64(p.SentBytes), l...)
		counter(mPeerFrames, float64(p.SentFrames), l...)
		counter(mPeerBeats, float64(p.SentHeartbeats), l...)
		counter(mPeerRBytes, float64(p.ReceivedBytes), l...)
		counter(mPeerRFrame, float64(p.ReceivedFrames), l...)
		counter(mPeerRBeats, float64(p.ReceivedHeartbeats), l...)
	}
	counter(mProgress, float64(s.Progress.LocalUpdates), s.Dataflow, proc, "local")
	counter(mProgress, float64(s.Progress.RemoteUpdates), s.Dataflow, proc, "remote")
	counter(mProgFrames, float64(s.Progress.Frames), s.Dataflow, proc)
	counter(mProgBytes, float64(s.Progress.Bytes), s.Dataflow, proc)
	gauge(mEpochs, float64(s.EpochsCompleted), s.Dataflow, proc)
	running := 0.0
	if s.Running {
		running = 1
	}
	gauge(mRunning, running, s.Dataflow, proc)
	gauge(mElapsed, s.Elapsed, s.Dataflow, proc)
}
