package runtime

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"path"
	"strings"
	"sync"
)

// The web view: one HTTP server per address per process, serving every
// computation of the process that names the address in Config.HTTP (the
// latest of each dataflow name). It serves
//
//   - / the page (page/index.html, its script and style, embedded): the
//     plan with live figures per operator, and a side panel of epochs,
//     network and memory;
//   - /api/state the JSON the page polls: per dataflow, the snapshots of
//     every process (on process 0 of a cluster, the peers' too);
//   - /plan/N.svg the picture of dataflow N's plan, when the binary has it;
//   - /metrics the counters in the Prometheus text format;
//   - /debug/pprof/ the Go profiles.
//
// The server is the runtime's own (web_http.go), not net/http's.

//go:embed page
var pageFiles embed.FS

// webServers holds the servers of this process by the address asked for.
var webServers struct {
	mu     sync.Mutex
	byAddr map[string]*webServer
}

// webServer serves the web view of the computations that joined it.
type webServer struct {
	addr string // the address it listens on

	mu    sync.Mutex
	comps []*Computation // the latest computation of each dataflow name
}

// serveWeb returns the server of addr, starting it on first use.
func serveWeb(addr string) (*webServer, error) {
	webServers.mu.Lock()
	defer webServers.mu.Unlock()
	if s := webServers.byAddr[addr]; s != nil {
		return s, nil
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &webServer{addr: ln.Addr().String()}
	go serveHTTP(ln, s.serve)
	if webServers.byAddr == nil {
		webServers.byAddr = make(map[string]*webServer)
	}
	webServers.byAddr[addr] = s
	return s, nil
}

// HTTPAddr returns the address the computation's web view listens on,
// or "" when Config.HTTP is not set.
func (c *Computation) HTTPAddr() string {
	if c.web == nil {
		return ""
	}
	return c.web.addr
}

// add makes c one of the server's computations, in place of an earlier
// one of the same dataflow name.
func (s *webServer) add(c *Computation) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, old := range s.comps {
		if old.graph.Name == c.graph.Name {
			s.comps[i] = c
			return
		}
	}
	s.comps = append(s.comps, c)
}

// computations returns the server's computations.
func (s *webServer) computations() []*Computation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Computation(nil), s.comps...)
}

// serve routes a request.
func (s *webServer) serve(w *httpResponse, r *httpRequest) {
	switch p := r.path; {
	case p == "/api/state":
		s.serveState(w, r)
	case strings.HasPrefix(p, "/plan/"):
		s.servePicture(w, strings.TrimPrefix(p, "/plan/"))
	case p == "/metrics":
		s.serveMetrics(w, r)
	case strings.HasPrefix(p, "/debug/pprof/"):
		servePprof(w, r, strings.TrimPrefix(p, "/debug/pprof/"))
	case p == "/debug/pprof":
		w.status = 301
		w.setHeader("Location", "/debug/pprof/")
	default:
		servePage(w, p)
	}
}

// servePage writes a file of the page: / is index.html.
func servePage(w *httpResponse, p string) {
	name := strings.TrimPrefix(path.Clean(p), "/")
	if name == "" {
		name = "index.html"
	}
	b, err := fs.ReadFile(pageFiles, "page/"+name)
	if err != nil || strings.HasSuffix(p, "/") && p != "/" {
		w.notFound()
		return
	}
	w.setHeader("Content-Type", contentType(name))
	w.Write(b)
}

// State is the JSON of /api/state: every dataflow the server shows.
type State struct {
	Dataflows []DataflowState `json:"dataflows"`
}

// DataflowState is one dataflow: its plan and the snapshots of its
// processes (nil for a peer that has sent none yet).
type DataflowState struct {
	Name      string         `json:"name"`
	Picture   bool           `json:"picture"` // /plan/N.svg exists
	Operators []OperatorInfo `json:"operators"`
	Channels  []ChannelInfo  `json:"channels"`
	Processes []*Snapshot    `json:"processes"`
}

// serveState writes the State.
func (s *webServer) serveState(w *httpResponse, r *httpRequest) {
	var st State
	for _, c := range s.computations() {
		st.Dataflows = append(st.Dataflows, DataflowState{
			Name:      c.graph.Name,
			Picture:   len(c.graph.Picture) > 0,
			Operators: c.graph.Operators,
			Channels:  c.graph.Channels,
			Processes: c.ClusterSnapshots(),
		})
	}
	w.setHeader("Content-Type", "application/json")
	w.setHeader("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(&st)
}

// serveMetrics writes the metrics in the Prometheus text format.
func (s *webServer) serveMetrics(w *httpResponse, r *httpRequest) {
	w.setHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.setHeader("Cache-Control", "no-store")
	writeMetrics(w, s.computations())
}

// servePicture writes the SVG picture of dataflow n's plan, for the
// file "N.svg".
func (s *webServer) servePicture(w *httpResponse, file string) {
	var n int
	if _, err := fmt.Sscanf(file, "%d.svg", &n); err != nil || file != fmt.Sprintf("%d.svg", n) {
		w.notFound()
		return
	}
	comps := s.computations()
	if n < 0 || n >= len(comps) || len(comps[n].graph.Picture) == 0 {
		w.notFound()
		return
	}
	w.setHeader("Content-Type", "image/svg+xml")
	w.Write(comps[n].graph.Picture)
}
