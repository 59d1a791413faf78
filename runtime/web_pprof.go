package runtime

import (
	"fmt"
	"html"
	"io"
	"os"
	goruntime "runtime"
	"runtime/pprof"
	"runtime/trace"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The web view's /debug/pprof/, the routes of net/http/pprof that go
// tool pprof uses. They are served here rather than by importing
// net/http/pprof, which would also register them on
// http.DefaultServeMux of every program that links the runtime, and so
// expose them wherever a Go program serves that mux.

// maxProfileSeconds bounds a CPU profile or trace asked for over HTTP.
const maxProfileSeconds = 300

// servePprof serves /debug/pprof/name.
func servePprof(w *httpResponse, r *httpRequest, name string) {
	switch name {
	case "":
		pprofIndex(w)
	case "cmdline":
		w.setHeader("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, strings.Join(os.Args, "\x00"))
	case "profile":
		pprofTimed(w, r, pprof.StartCPUProfile, pprof.StopCPUProfile)
	case "trace":
		pprofTimed(w, r, trace.Start, trace.Stop)
	default:
		pprofNamed(w, r, name)
	}
}

// pprofIndex lists the profiles.
func pprofIndex(w *httpResponse) {
	w.setHeader("Content-Type", "text/html; charset=utf-8")
	profiles := pprof.Profiles()
	sort.Slice(profiles, func(i, j int) bool { return profiles[i].Name() < profiles[j].Name() })
	fmt.Fprint(w, "<!DOCTYPE html><html><head><title>/debug/pprof/</title></head><body><h1>/debug/pprof/</h1><ul>\n")
	for _, p := range profiles {
		name := html.EscapeString(p.Name())
		fmt.Fprintf(w, "<li><a href=\"%s?debug=1\">%s</a> (%d)</li>\n", name, name, p.Count())
	}
	fmt.Fprint(w, "<li><a href=\"profile?seconds=30\">profile</a>: 30 s of CPU profile</li>\n")
	fmt.Fprint(w, "<li><a href=\"trace?seconds=5\">trace</a>: 5 s of execution trace</li>\n")
	fmt.Fprint(w, "</ul><p>go tool pprof http://HOST:PORT/debug/pprof/profile</p></body></html>\n")
}

// pprofNamed writes the profile the path names; ?debug=N as in
// pprof.Profile.WriteTo, ?gc=1 runs a collection first (heap).
func pprofNamed(w *httpResponse, r *httpRequest, name string) {
	p := pprof.Lookup(name)
	if p == nil || strings.Contains(name, "/") {
		w.error(404, "no such profile")
		return
	}
	debug, _ := strconv.Atoi(r.query.Get("debug"))
	if r.query.Get("gc") != "" {
		goruntime.GC()
	}
	if debug > 0 {
		w.setHeader("Content-Type", "text/plain; charset=utf-8")
	} else {
		w.setHeader("Content-Type", "application/octet-stream")
		w.setHeader("Content-Disposition", fmt.Sprintf("attachment; filename=%q", p.Name()))
	}
	if err := p.WriteTo(w, debug); err != nil {
		w.error(500, "profile: "+err.Error())
	}
}

// pprofTimed runs a profile (start, stop) for ?seconds=N (30 by
// default) into the response.
func pprofTimed(w *httpResponse, r *httpRequest, start func(io.Writer) error, stop func()) {
	secs, err := strconv.Atoi(r.query.Get("seconds"))
	if err != nil || secs <= 0 {
		secs = 30
	}
	secs = min(secs, maxProfileSeconds)
	w.setHeader("Content-Type", "application/octet-stream")
	w.streamBody()
	if err := start(w); err != nil {
		w.error(500, "cannot start: "+err.Error())
		return
	}
	t := time.NewTimer(time.Duration(secs) * time.Second)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.clientGone(w):
	}
	stop()
}
