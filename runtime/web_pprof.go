package runtime

import (
	"fmt"
	"html"
	"io"
	"net/http"
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

// pprofRoutes adds the profile routes to mux.
func pprofRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /debug/pprof/{$}", pprofIndex)
	mux.HandleFunc("GET /debug/pprof/cmdline", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, strings.Join(os.Args, "\x00"))
	})
	mux.HandleFunc("GET /debug/pprof/profile", func(w http.ResponseWriter, r *http.Request) {
		pprofTimed(w, r, "application/octet-stream", pprof.StartCPUProfile, pprof.StopCPUProfile)
	})
	mux.HandleFunc("GET /debug/pprof/trace", func(w http.ResponseWriter, r *http.Request) {
		pprofTimed(w, r, "application/octet-stream", trace.Start, trace.Stop)
	})
	mux.HandleFunc("GET /debug/pprof/{name}", pprofNamed)
}

// pprofIndex lists the profiles.
func pprofIndex(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
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
func pprofNamed(w http.ResponseWriter, r *http.Request) {
	p := pprof.Lookup(r.PathValue("name"))
	if p == nil {
		http.Error(w, "no such profile", http.StatusNotFound)
		return
	}
	debug, _ := strconv.Atoi(r.FormValue("debug"))
	if r.FormValue("gc") != "" {
		goruntime.GC()
	}
	if debug > 0 {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", p.Name()))
	}
	p.WriteTo(w, debug)
}

// pprofTimed runs a profile (start, stop) for ?seconds=N (30 by
// default) into the response.
func pprofTimed(w http.ResponseWriter, r *http.Request, contentType string, start func(io.Writer) error, stop func()) {
	secs, err := strconv.Atoi(r.FormValue("seconds"))
	if err != nil || secs <= 0 {
		secs = 30
	}
	secs = min(secs, maxProfileSeconds)
	w.Header().Set("Content-Type", contentType)
	if err := start(w); err != nil {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		http.Error(w, "cannot start: "+err.Error(), http.StatusInternalServerError)
		return
	}
	select {
	case <-time.After(time.Duration(secs) * time.Second):
	case <-r.Context().Done():
	}
	stop()
}
