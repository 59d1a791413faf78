package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tdrt "github.com/tdflow/tdc/runtime"
)

// webRun is a word count binary started with -http that reads standard
// input, so that the test decides when its source has more records: the
// source reads tdrt.SourceChunk lines at a time and waits for the next
// chunk.
type webRun struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *lockedBuffer
	url   string        // http://host:port
	done  chan struct{} // closed when the binary exited
	err   error         // its exit, once done
}

// webLines is one chunk of the source (tdrt.SourceChunk lines), from line
// from on, of words whose number is known: line i holds i%3+1 words.
func webLines(from int) (text string, words int) {
	var b strings.Builder
	for i := from; i < from+tdrt.SourceChunk; i++ {
		n := i%3 + 1
		for j := 0; j < n; j++ {
			fmt.Fprintf(&b, "w%d ", (i+j)%50)
		}
		b.WriteString("\n")
		words += n
	}
	return b.String(), words
}

// startWebRun builds the word count example once per test and starts it
// with args, reading standard input, and waits for its web view address.
func startWebRun(t *testing.T, args ...string) *webRun {
	t.Helper()
	isolateBuildCache(t)
	dir := t.TempDir()
	bin := buildTDF(t, filepath.Join(repoRoot(t), "examples", "wordcount", "wordcount.tdf"), dir)
	cmd := exec.Command(bin, append([]string{"-http", "127.0.0.1:0", "-input", "-"}, args...)...)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	r := &webRun{cmd: cmd, stdin: stdin, out: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stdout = r.out
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-r.done
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`web view at (http://[^/]+)/`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		r.err = cmd.Wait()
		close(r.done)
	}()
	select {
	case r.url = <-addr:
	case <-time.After(30 * time.Second):
		t.Fatal("the binary printed no web view address")
	}
	return r
}

// scrape returns the sum of the samples of metric name whose labels
// include those given.
func (r *webRun) scrape(t *testing.T, name string, labels map[string]string) float64 {
	t.Helper()
	resp, err := http.Get(r.url + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	require.NoError(t, err)
	fam := fams[name]
	if fam == nil {
		return 0
	}
	sum := 0.0
	for _, m := range fam.GetMetric() {
		if hasLabels(m, labels) {
			sum += m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
	}
	return sum
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	found := 0
	for _, l := range m.GetLabel() {
		if v, ok := want[l.GetName()]; ok && v == l.GetValue() {
			found++
		}
	}
	return found == len(want)
}

// TestMetricsDuringRun scrapes /metrics while a word count waits for
// input and checks the counters against the words it was given: the
// source operator sent them all, the counting operator read them all,
// the channel between them carried them all, and every series has the
// dataflow, operator and .tdf position labels.
func TestMetricsDuringRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a binary")
	}
	r := startWebRun(t, "-w", "2")
	total := 0
	src := map[string]string{"dataflow": "WordCount", "op": "0", "operator": "lines+flat_map", "tdf": "wordcount.tdf:13:2"}
	count := map[string]string{"dataflow": "WordCount", "op": "1", "operator": "count+print", "tdf": "wordcount.tdf:16:6"}
	for batch := 0; batch < 3; batch++ {
		text, words := webLines(batch * tdrt.SourceChunk)
		total += words
		_, err := io.WriteString(r.stdin, text)
		require.NoError(t, err)
		want := float64(total)
		waitFor(t, 30*time.Second, func() bool {
			return r.scrape(t, "tdc_operator_records_in_total", count) == want
		}, "the count operator to have read %d words", total)
		assert.Equal(t, want, r.scrape(t, "tdc_operator_records_out_total", src), "words the source sent")
		assert.Equal(t, want, r.scrape(t, "tdc_channel_records_total", map[string]string{"channel": "0", "from": "0", "to": "1", "kind": "exchange"}), "words on the channel")
		assert.Equal(t, 0.0, r.scrape(t, "tdc_operator_queued_records", count), "words waiting")
		assert.Equal(t, 0.0, r.scrape(t, "tdc_operator_records_in_total", src), "the source reads no channel")
		assert.Equal(t, 1.0, r.scrape(t, "tdc_running", map[string]string{"dataflow": "WordCount"}))
		assert.Equal(t, 0.0, r.scrape(t, "tdc_epochs_completed", map[string]string{"dataflow": "WordCount"}))
		assert.Greater(t, r.scrape(t, "tdc_operator_activations_total", src), float64(batch))
		assert.Greater(t, r.scrape(t, "tdc_progress_updates_total", map[string]string{"origin": "local"}), 0.0)
	}
	require.NoError(t, r.stdin.Close())
	select {
	case <-r.done:
		require.NoError(t, r.err)
	case <-time.After(30 * time.Second):
		t.Fatal("the word count did not end after its input closed")
	}
	printed := 0
	for _, line := range strings.Split(strings.TrimSpace(r.out.String()), "\n") {
		var w string
		var n int
		_, err := fmt.Sscanf(line, "%s %d", &w, &n)
		require.NoError(t, err, "line %q", line)
		printed += n
	}
	assert.Equal(t, total, printed, "the counts printed add up to the words given")
}

// TestPageState checks the JSON the page polls against the metrics.
func TestPageState(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a binary")
	}
	r := startWebRun(t)
	text, words := webLines(0)
	_, err := io.WriteString(r.stdin, text)
	require.NoError(t, err)
	waitFor(t, 30*time.Second, func() bool {
		return r.scrape(t, "tdc_operator_records_in_total", map[string]string{"op": "1"}) == float64(words)
	}, "the count operator to have read %d words", words)
	resp, err := http.Get(r.url + "/api/state")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Contains(t, string(body), `"name":"WordCount"`)
	assert.Contains(t, string(body), fmt.Sprintf(`"recordsOut":%d`, words))
	for _, path := range []string{"/", "/page.js", "/page.css", "/debug/pprof/", "/debug/pprof/goroutine?debug=1"} {
		resp, err := http.Get(r.url + path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, path)
	}
	resp, err = http.Get(r.url + "/debug/pprof/goroutine?debug=1")
	require.NoError(t, err)
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(body), `labels: {"dataflow":"WordCount"`, "the workers' goroutines carry the dataflow's label")

}

// chromium returns the path of a Chromium (or Chrome) executable, or "".
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestWebViewInChromium loads the page of a running word count in
// headless Chromium, checks that the plan's picture and a box per
// operator are there, feeds the program more input and waits for the
// figures on the page to change. It saves a screenshot; with -update,
// into docs/web-view.png.
func TestWebViewInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary and runs a browser")
	}
	browser := chromium()
	if browser == "" {
		t.Skip("Chromium is not installed (apt-get install chromium); the web view is not tested in a browser")
	}
	r := startWebRun(t, "-w", "2")
	text, words := webLines(0)
	_, err := io.WriteString(r.stdin, text)
	require.NoError(t, err)
	waitFor(t, 30*time.Second, func() bool {
		return r.scrape(t, "tdc_operator_records_in_total", map[string]string{"op": "1"}) == float64(words)
	}, "the count operator to have read %d words", words)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox, chromedp.WindowSize(1280, 720))
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(r.url+"/"), chromedp.WaitVisible(chromedp.ID("op-card-0-1"))))
	cards, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll(".opcard").length`))
	require.NoError(t, err)
	assert.Equal(t, 2, cards, "a box per operator")
	waitFor(t, 30*time.Second, func() bool {
		n, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll(".picture svg g.op").length`))
		return err == nil && n == 2
	}, "the plan's picture with its two operators")
	before, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("op-card-0-0")))
	require.NoError(t, err)
	assert.Contains(t, before, "lines+flat_map")
	assert.Contains(t, before, si(words), "the source's records out")

	more, moreWords := webLines(tdrt.SourceChunk)
	_, err = io.WriteString(r.stdin, more)
	require.NoError(t, err)
	var after string
	waitFor(t, 30*time.Second, func() bool {
		after, err = chromedp.Run(bctx, chromedp.Text(chromedp.ID("op-card-0-0")))
		return err == nil && strings.Contains(after, si(words+moreWords)) && strings.Contains(after, "/s")
	}, "the page to show the new figures")
	assert.NotEqual(t, before, after)
	live, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(".picture")))
	require.NoError(t, err)
	assert.Contains(t, live, "in "+si(words+moreWords), "the figures on the picture")

	png, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	shot := filepath.Join(t.TempDir(), "web-view.png")
	if *update {
		shot = filepath.Join(repoRoot(t), "docs", "web-view.png")
	}
	require.NoError(t, os.WriteFile(shot, png, 0o644))
	t.Logf("screenshot: %s", shot)
}

// si formats a count as the page does.
func si(x int) string {
	switch {
	case x >= 1e6:
		return fmt.Sprintf("%.1fM", float64(x)/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.1fk", float64(x)/1e3)
	}
	return fmt.Sprint(x)
}

// TestWebViewOfCluster launches two processes with -http: the state that
// process 0 serves holds the figures of both (process 1 sends its own
// over the mesh), and each process's /metrics counts the traffic to its
// peer.
func TestWebViewOfCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary and runs processes")
	}
	isolateBuildCache(t)
	dir := t.TempDir()
	bin := buildTDF(t, writeFile(t, dir, "long.tdf", longTDF), dir)
	launch := startProc(t, dir, nil, tdcCommand(t), "launch", "-n", "2", "-w", "2", "-http", "127.0.0.1:0", bin)
	re := regexp.MustCompile(`(?m)^process (\d): long: web view at (http://[^/]+)/$`)
	urls := map[string]string{}
	waitFor(t, 30*time.Second, func() bool {
		for _, m := range re.FindAllStringSubmatch(launch.stderr.String(), -1) {
			urls[m[1]] = m[2]
		}
		return len(urls) == 2 || launch.exited()
	}, "the processes printed no web view addresses; stderr: %s", launch.stderr.String())
	require.Len(t, urls, 2, "stderr: %s", launch.stderr.String())

	var st struct {
		Dataflows []struct {
			Processes []*struct {
				Process   int `json:"process"`
				Operators []struct {
					RecordsOut int64 `json:"recordsOut"`
				} `json:"operators"`
				Peers []struct {
					Peer      int   `json:"peer"`
					SentBytes int64 `json:"sentBytes"`
				} `json:"peers"`
			} `json:"processes"`
		} `json:"dataflows"`
	}
	waitFor(t, 30*time.Second, func() bool {
		resp, err := http.Get(urls["0"] + "/api/state")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		if json.NewDecoder(resp.Body).Decode(&st) != nil || len(st.Dataflows) != 1 || len(st.Dataflows[0].Processes) != 2 {
			return false
		}
		p1 := st.Dataflows[0].Processes[1]
		return p1 != nil && p1.Process == 1 && len(p1.Operators) > 0 && p1.Operators[0].RecordsOut > 0 && len(p1.Peers) == 1 && p1.Peers[0].SentBytes > 0
	}, "process 0's page shows no figures of process 1")
	for proc, peer := range map[string]string{"0": "1", "1": "0"} {
		r := &webRun{url: urls[proc]}
		assert.Greater(t, r.scrape(t, "tdc_peer_sent_bytes_total", map[string]string{"process": proc, "peer": peer}), 0.0, "process %s", proc)
		assert.Greater(t, r.scrape(t, "tdc_channel_wire_bytes_total", map[string]string{"process": proc}), 0.0, "process %s", proc)
		assert.Greater(t, r.scrape(t, "tdc_progress_updates_total", map[string]string{"process": proc, "origin": "remote"}), 0.0, "process %s", proc)
	}
}
