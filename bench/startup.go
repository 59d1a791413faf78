package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"
)

// Start-up rows: examples/hello (timely's hello: ten numbers through an
// exchange, printed) on 1 and 2 workers, timely's hello beside each, and
// a plain Go program that prints the same ten lines without a dataflow,
// which is where Go's own start-up floor is. A start takes about a
// millisecond and moves by as much when another process is scheduled,
// so these rows run many times (startupRuns), all of them interleaved
// (ours, timely's, ours, timely's, ..., the plain program), and give
// the median and the 10th percentile. Every command runs the same way:
// no flags of ours beyond -w, no GODEBUG, standard output and error to
// /dev/null (no pipe for this process to drain), the wall time from
// before the fork to after the wait. And every binary is measured as a
// fresh copy written with write(2) (freshCopy): a binary can start 0.1-
// 0.3 ms slower than a fresh copy of itself while its pages stay cached
// as they are (seen here for timely's hello, built hours before: 1.19 ->
// 0.99 ms, Go's hello 1.24 -> 1.01 ms and ours 2.00 -> 1.68 ms, medians
// of 150 interleaved runs; a binary just linked was not always slower),
// so that no binary gains from how it came to be in the page cache.

// startupRuns is how many times each start-up command runs.
func (e *env) startupRuns() int {
	if e.o.quick {
		return 50
	}
	return 100
}

// plainHello is the Go program of the reference row: the output of
// hello, with nothing else.
const plainHello = `package main

import "fmt"

func main() {
	for i := 0; i < 10; i++ {
		fmt.Printf("hello %d\n", i)
	}
}
`

// buildPlainHello writes and builds plainHello as e.bin("plain-hello").
func (e *env) buildPlainHello() error {
	dir := filepath.Join(e.dir, "plain-hello-src")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module plainhello\n\ngo 1.22\n"), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(plainHello), 0o644); err != nil {
		return err
	}
	cmd := exec.Command("go", "build", "-o", e.bin("plain-hello"), ".")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = e.stderr, e.stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build plain hello: %v", err)
	}
	return nil
}

// startupConfigs are the start-up rows.
func (e *env) startupConfigs() []config {
	var cs []config
	for _, w := range []int{1, 2} {
		cs = append(cs, config{
			program: "start-up: hello", workers: w, procs: 1,
			startup: []string{e.bin("hello"), "-w", itoa(w)},
			timely:  []string{"hello", "-w", itoa(w)},
		})
	}
	return append(cs, config{
		program: "start-up: hello (plain Go, no dataflow)", workers: 1, procs: 1,
		startup: []string{e.bin("plain-hello")},
	})
}

// runStart runs a start-up command once, its output to /dev/null; the
// measure's run is its CPU time (user and system).
func runStart(name string, args ...string) (measure, error) {
	cmd := exec.Command(name, args...)
	var errb bytes.Buffer
	cmd.Stderr = &errb // nothing, unless it fails
	start := time.Now()
	err := cmd.Run()
	m := measure{wall: time.Since(start), gcFrac: -1, allocsPR: -1, allocs: -1}
	if err != nil {
		return m, fmt.Errorf("%s: %v\n%s", name, err, tail(errb.Bytes()))
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.maxRSS = ru.Maxrss * 1024
		m.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return m, nil
}

// checkHello runs a start-up command once with its output kept and
// checks that it printed the ten lines of hello.
func checkHello(name string, args ...string) error {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return fmt.Errorf("%s %v: %v", name, args, err)
	}
	if n := bytes.Count(out, []byte("hello ")); n != 10 {
		return fmt.Errorf("%s %v printed %d hello lines, want 10:\n%s", name, args, n, out)
	}
	return nil
}

// runStartup runs the start-up rows interleaved and adds them to t.
func (e *env) runStartup(t *table, cs []config) error {
	n := e.startupRuns()
	e.logf("start-up: %d rows, %d runs each, interleaved", len(cs), n)
	// The commands, ours and timely's (nil for none), on fresh copies.
	ours, theirs := make([][]string, len(cs)), make([][]string, len(cs))
	copies := map[string]string{}
	fresh := func(cmd []string) ([]string, error) {
		cp, ok := copies[cmd[0]]
		if !ok {
			cp = filepath.Join(e.dir, "start-up", fmt.Sprintf("%d-%s", len(copies), filepath.Base(cmd[0])))
			copies[cmd[0]] = cp
			if err := freshCopy(cmd[0], cp); err != nil {
				return nil, err
			}
		}
		cmd = append([]string{cp}, cmd[1:]...)
		return cmd, checkHello(cmd[0], cmd[1:]...)
	}
	for i, c := range cs {
		var err error
		if ours[i], err = fresh(c.startup); err != nil {
			return err
		}
		if e.o.timely != "" && c.timely != nil {
			name, args := e.timelyCmd(c.timely)
			if theirs[i], err = fresh(append([]string{name}, args...)); err != nil {
				return err
			}
		}
	}
	oursM, theirsM := make([][]measure, len(cs)), make([][]measure, len(cs))
	for range n {
		for i, c := range cs {
			m, err := runStart(ours[i][0], ours[i][1:]...)
			if err != nil {
				return fmt.Errorf("%s %dx%d: %v", c.program, c.workers, c.procs, err)
			}
			oursM[i] = append(oursM[i], m)
			if theirs[i] != nil {
				tm, err := runStart(theirs[i][0], theirs[i][1:]...)
				if err != nil {
					return fmt.Errorf("timely %v: %v", c.timely, err)
				}
				theirsM[i] = append(theirsM[i], tm)
			}
		}
	}
	for i, c := range cs {
		t.Rows = append(t.Rows, e.startupRow(c, oursM[i], theirsM[i]))
	}
	return nil
}

// startupRow summarizes the runs of a start-up row.
func (e *env) startupRow(c config, ours, theirs []measure) row {
	r := e.row(c, ours, theirs, 0, 0)
	r.RunSeconds, r.TimelyRunSecs, r.TimelyRunRatio = 0, 0, 0
	r.WallP10 = quantile(ours, 0.1).Seconds()
	r.CPUSeconds = meanCPU(ours).Seconds()
	r.Note = fmt.Sprintf("%d runs: median %s, p10 %s, CPU %s", len(ours), ms(r.WallSeconds), ms(r.WallP10), ms(r.CPUSeconds))
	if len(theirs) > 0 {
		r.TimelyP10 = quantile(theirs, 0.1).Seconds()
		r.TimelyCPU = meanCPU(theirs).Seconds()
		r.Note += fmt.Sprintf("; timely median %s, p10 %s, CPU %s", ms(r.TimelySecs), ms(r.TimelyP10), ms(r.TimelyCPU))
	}
	return r
}

// freshCopy copies the binary src to dst with write(2), through a small
// buffer (a child's peak memory starts from this process's at the fork).
func freshCopy(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	os.Remove(dst)
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	_, err = io.CopyBuffer(struct{ io.Writer }{out}, struct{ io.Reader }{in}, make([]byte, 64<<10))
	if err := errors.Join(err, out.Close()); err != nil {
		return err
	}
	return os.Chmod(dst, 0o755) // whatever the umask
}

// quantile returns the q-quantile of the runs' wall times (0.5: the
// median, as medianOf).
func quantile(ms []measure, q float64) time.Duration {
	w := make([]time.Duration, len(ms))
	for i, m := range ms {
		w[i] = m.wall
	}
	slices.Sort(w)
	return w[int(q*float64(len(w)-1)+0.5)]
}

// meanCPU is the mean CPU time of the runs.
func meanCPU(ms []measure) time.Duration {
	var sum time.Duration
	for _, m := range ms {
		sum += m.cpu
	}
	return sum / time.Duration(len(ms))
}

// ms formats seconds as milliseconds.
func ms(s float64) string { return fmt.Sprintf("%.2f ms", s*1e3) }
