package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"
)

// bg is the context of in-process runs.
func bg() context.Context { return context.Background() }

// row is one line of the table; the JSON form is for tools.
type row struct {
	Program      string    `json:"program"`
	Workers      int       `json:"workers"`
	Processes    int       `json:"processes"`
	WallSeconds  float64   `json:"wall_seconds"`
	Walls        []float64 `json:"walls"`
	RunSeconds   float64   `json:"run_seconds,omitempty"`
	RecordsPerS  float64   `json:"records_per_second,omitempty"`
	VsBaseline   float64   `json:"vs_baseline,omitempty"`
	PeakBytes    int64     `json:"peak_bytes,omitempty"`
	AllocsPerRec float64   `json:"allocs_per_record"`
	GCFraction   float64   `json:"gc_fraction"`
	WirePerRec   float64   `json:"wire_bytes_per_record,omitempty"`
	VsTCP        float64   `json:"fraction_of_tcp,omitempty"`
	TimelySecs   float64   `json:"timely_wall_seconds,omitempty"`
	TimelyRatio  float64   `json:"vs_timely,omitempty"`
	// TimelyRunSecs is the time timely's program gives for its own run
	// (exchange prints it), TimelyRunRatio our run's time over it.
	TimelyRunSecs  float64 `json:"timely_run_seconds,omitempty"`
	TimelyRunRatio float64 `json:"run_vs_timely,omitempty"`
	Note           string  `json:"note,omitempty"`
	// Start-up rows: the 10th percentile of the wall times and the mean
	// CPU time (user and system), ours and timely's.
	WallP10    float64 `json:"wall_p10_seconds,omitempty"`
	CPUSeconds float64 `json:"cpu_seconds,omitempty"`
	TimelyP10  float64 `json:"timely_wall_p10_seconds,omitempty"`
	TimelyCPU  float64 `json:"timely_cpu_seconds,omitempty"`
}

// table is the suite's result: the rows and the machine figures.
type table struct {
	Rows       []row   `json:"rows"`
	TCPBytesPS float64 `json:"tcp_bytes_per_second"`
	MemcpyBPS  float64 `json:"memcpy_bytes_per_second"`
	Quick      bool    `json:"quick"`
	Runs       int     `json:"runs"`
	Load       string  `json:"load,omitempty"`
	StartedUTC string  `json:"started_utc"`
}

// print writes the table in aligned columns; - marks what is unknown.
func (t *table) print(w io.Writer) {
	fmt.Fprintf(w, "\n%s, %d runs each (median), load before: %s\n", t.StartedUTC, t.Runs, t.Load)
	fmt.Fprintf(w, "loopback TCP between two processes: %.2f GB/s; memcpy on one core: %.2f GB/s\n\n", t.TCPBytesPS/1e9, t.MemcpyBPS/1e9)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "program\tw x p\twall\trun\trecords/s\tvs 1 thread\tpeak MB\tallocs/rec\tGC CPU\twire B/rec\tof TCP\ttimely\tvs timely\ttimely run\trun vs timely\t")
	for _, r := range t.Rows {
		fmt.Fprintf(tw, "%s\t%dx%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t",
			r.Program, r.Workers, r.Processes, secs(r.WallSeconds), optSecs(r.RunSeconds), sci(r.RecordsPerS),
			opt(r.VsBaseline, "%.2fx"), opt(float64(r.PeakBytes)/1e6, "%.0f"),
			allocs(r.AllocsPerRec), optNeg(100*r.GCFraction, "%.1f%%"),
			opt(r.WirePerRec, "%.1f"), opt(100*r.VsTCP, "%.1f%%"),
			optSecs(r.TimelySecs), opt(r.TimelyRatio, "%.2fx"),
			optSecs(r.TimelyRunSecs), opt(r.TimelyRunRatio, "%.2fx"))
		fmt.Fprintln(tw)
	}
	tw.Flush()
	for _, r := range t.Rows {
		if r.Note != "" {
			fmt.Fprintf(w, "%s %dx%d: %s\n", r.Program, r.Workers, r.Processes, r.Note)
		}
	}
}

// secs formats a time in seconds, below 0.1 s in milliseconds (the
// start-up rows).
func secs(v float64) string {
	if v < 0.1 {
		return fmt.Sprintf("%.2f ms", v*1e3)
	}
	return fmt.Sprintf("%.3f s", v)
}

// optSecs formats a time as secs does, or - when it is zero.
func optSecs(v float64) string {
	if v == 0 {
		return "-"
	}
	return secs(v)
}

// sci formats a rate like 1.3e8.
func sci(v float64) string {
	if v <= 0 {
		return "-"
	}
	return strings.Replace(fmt.Sprintf("%.2g", v), "e+0", "e", 1)
}

// opt formats v, or - when it is zero.
func opt(v float64, f string) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf(f, v)
}

// allocs formats allocations per record: - when unknown, and small
// figures with enough digits to tell 0.0004 (set-up spread over many
// records) from 0.
func allocs(v float64) string {
	switch {
	case v < 0:
		return "-"
	case v == 0 || v >= 0.01:
		return fmt.Sprintf("%.3f", v)
	}
	return fmt.Sprintf("%.1e", v)
}

// optNeg formats v, or - when it is negative (unknown).
func optNeg(v float64, f string) string {
	if v < 0 {
		return "-"
	}
	return fmt.Sprintf(f, v)
}

// writeJSON writes the table to path.
func (t *table) writeJSON(path string) error {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// stamp is the time the suite started, for the table's head.
func stamp() string { return time.Now().UTC().Format("2006-01-02 15:04 UTC") }
