package runtime

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The web view's HTTP server: HTTP/1.1 over net, for GET and HEAD
// requests without a body, which is all the web view, Prometheus and go
// tool pprof send. It is not net/http because a Go binary pays for the
// packages it links at every start, used or not: net/http's package
// initialization (with mime, HTTP/2's tables and their dependencies) was
// 0.1-0.15 ms of the 1.6 ms a generated binary took to run hello
// (docs/performance.md, "Start-up"), and every binary links the web
// view because any run may ask for it with -http.
//
// A connection serves its requests one after the other (keep-alive);
// each response is built in memory and sent with its Content-Length,
// but for profiles and traces, which are streamed and end with the
// connection. A
// request line and its headers must fit in httpMaxHeader bytes; a
// connection idle for httpIdleTimeout is closed.

const (
	httpMaxHeader    = 16 << 10
	httpIdleTimeout  = 2 * time.Minute
	httpReadTimeout  = 10 * time.Second // to read a request once it has begun
	httpWriteTimeout = time.Minute      // to send a response
)

// httpRequest is a request as the handlers see it.
type httpRequest struct {
	method string     // GET or HEAD
	path   string     // unescaped, from /
	query  url.Values // the query string's values
	conn   net.Conn
	gone   chan struct{} // see clientGone
}

// clientGone returns a channel that is closed when the client closes the
// connection (or sends anything more: it must not, as the server answers
// this request last and closes the connection). For a response that
// takes long (a 30 s CPU profile), which ends early when nobody waits.
func (r *httpRequest) clientGone(w *httpResponse) <-chan struct{} {
	if r.gone == nil {
		r.gone = make(chan struct{})
		w.close = true
		go func() {
			var b [1]byte
			r.conn.SetReadDeadline(time.Time{})
			r.conn.Read(b[:])
			close(r.gone)
		}()
	}
	return r.gone
}

// httpResponse is a response being built.
type httpResponse struct {
	status int
	header []string // "Name: value" lines
	body   bytes.Buffer
	close  bool // close the connection after it

	// A streamed response (stream) sends its head at its first Write
	// and its body as it comes, ended by closing the connection: for
	// profiles and traces, which may be large.
	stream   bool
	out      *bufio.Writer // the connection's
	head     bool          // a HEAD request: no body
	headSent bool
}

// streamBody makes the rest of the response a stream: the head goes at
// the first Write, and the body straight to the connection.
func (w *httpResponse) streamBody() {
	w.stream, w.close = true, true
}

// setHeader adds the header line "name: value".
func (w *httpResponse) setHeader(name, value string) {
	w.header = append(w.header, name+": "+value)
}

// Write appends to the body, or sends p on a stream.
func (w *httpResponse) Write(p []byte) (int, error) {
	if !w.stream {
		return w.body.Write(p)
	}
	if !w.headSent {
		w.headSent = true
		if err := writeHTTPHead(w.out, w, -1); err != nil {
			return 0, err
		}
	}
	if w.head {
		return len(p), nil
	}
	return w.out.Write(p)
}

// error replaces the response with a plain-text error.
func (w *httpResponse) error(status int, msg string) {
	if w.headSent {
		return // too late: the client sees the stream end early
	}
	w.stream = false
	w.status = status
	w.header = w.header[:0]
	w.body.Reset()
	w.setHeader("Content-Type", "text/plain; charset=utf-8")
	w.setHeader("X-Content-Type-Options", "nosniff")
	fmt.Fprintln(&w.body, msg)
}

// notFound is the 404 response.
func (w *httpResponse) notFound() { w.error(404, "404 page not found") }

// httpStatusText is the reason phrase of the statuses the server sends.
func httpStatusText(code int) string {
	switch code {
	case 200:
		return "OK"
	case 301:
		return "Moved Permanently"
	case 400:
		return "Bad Request"
	case 404:
		return "Not Found"
	case 405:
		return "Method Not Allowed"
	case 408:
		return "Request Timeout"
	case 431:
		return "Request Header Fields Too Large"
	case 500:
		return "Internal Server Error"
	case 505:
		return "HTTP Version Not Supported"
	}
	return "Status " + strconv.Itoa(code)
}

// httpHandler answers one request.
type httpHandler func(w *httpResponse, r *httpRequest)

// serveHTTP accepts connections on ln and serves each in its own
// goroutine, until ln is closed.
func serveHTTP(ln net.Listener, h httpHandler) error {
	for {
		conn, err := ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(10 * time.Millisecond)
				continue
			}
			return err
		}
		go serveHTTPConn(conn, h)
	}
}

// serveHTTPConn serves the requests of one connection.
func serveHTTPConn(conn net.Conn, h httpHandler) {
	defer conn.Close()
	br := bufio.NewReaderSize(conn, 4<<10)
	bw := bufio.NewWriterSize(conn, 16<<10)
	for {
		conn.SetReadDeadline(time.Now().Add(httpIdleTimeout))
		if _, err := br.Peek(1); err != nil {
			return // closed, or idle too long
		}
		conn.SetReadDeadline(time.Now().Add(httpReadTimeout))
		r, status, keep := readHTTPRequest(br)
		w := &httpResponse{status: 200, close: !keep, out: bw}
		if status != 0 {
			w.error(status, httpStatusText(status))
			w.close = true
			defer drainAndClose(conn)
		} else {
			r.conn = conn
			w.head = r.method == "HEAD"
			// A streamed profile may take maxProfileSeconds.
			conn.SetWriteDeadline(time.Now().Add(httpWriteTimeout + maxProfileSeconds*time.Second))
			h(w, r)
		}
		conn.SetWriteDeadline(time.Now().Add(httpWriteTimeout))
		if err := writeHTTPResponse(bw, w, r != nil && r.method == "HEAD"); err != nil || w.close {
			return
		}
	}
}

// drainAndClose ends a connection the server refuses to read on: it
// stops writing, then reads (and drops) what the client still sends for
// a moment, so that the client gets the error response before the close
// rather than a reset for the unread data.
func drainAndClose(conn net.Conn) {
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
	conn.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	io.CopyN(io.Discard, conn, 256<<10)
}

// readHTTPRequest reads a request's line and headers. It returns a
// status other than 0 for a request it will not serve, and whether the
// connection may carry another request after this one.
func readHTTPRequest(br *bufio.Reader) (r *httpRequest, status int, keep bool) {
	var lines []string
	size := 0
	for {
		line, err := br.ReadSlice('\n')
		size += len(line)
		if errors.Is(err, bufio.ErrBufferFull) || size > httpMaxHeader {
			return nil, 431, false
		}
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return nil, 408, false
			}
			return nil, 400, false
		}
		s := strings.TrimRight(string(line), "\r\n")
		if s == "" {
			if len(lines) == 0 {
				continue // a blank line before a request is allowed
			}
			break
		}
		lines = append(lines, s)
	}
	method, rest, ok1 := strings.Cut(lines[0], " ")
	target, proto, ok2 := strings.Cut(rest, " ")
	if !ok1 || !ok2 || !strings.HasPrefix(target, "/") {
		return nil, 400, false
	}
	switch proto {
	case "HTTP/1.1":
		keep = true
	case "HTTP/1.0":
	default:
		return nil, 505, false
	}
	for _, h := range lines[1:] {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			return nil, 400, false
		}
		value = strings.TrimSpace(value)
		switch strings.ToLower(name) {
		case "connection":
			keep = keep && !strings.EqualFold(value, "close")
		case "content-length":
			if value != "0" {
				return nil, 400, false // no route takes a body
			}
		case "transfer-encoding":
			return nil, 400, false
		}
	}
	if method != "GET" && method != "HEAD" {
		return nil, 405, false
	}
	u, err := url.ParseRequestURI(target)
	if err != nil {
		return nil, 400, false
	}
	return &httpRequest{method: method, path: u.Path, query: u.Query()}, 0, keep
}

// writeHTTPResponse writes w, without its body for a HEAD request.
func writeHTTPResponse(bw *bufio.Writer, w *httpResponse, head bool) error {
	if w.headSent {
		return bw.Flush() // a stream: its end is the connection's
	}
	if err := writeHTTPHead(bw, w, w.body.Len()); err != nil {
		return err
	}
	if !head {
		bw.Write(w.body.Bytes())
	}
	return bw.Flush()
}

// writeHTTPHead writes the status line and headers of w, with a
// Content-Length unless length is negative (a stream).
func writeHTTPHead(bw *bufio.Writer, w *httpResponse, length int) error {
	fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\n", w.status, httpStatusText(w.status))
	for _, h := range w.header {
		bw.WriteString(h)
		bw.WriteString("\r\n")
	}
	if length >= 0 {
		fmt.Fprintf(bw, "Content-Length: %d\r\n", length)
	}
	if w.status == 405 {
		bw.WriteString("Allow: GET, HEAD\r\n")
	}
	if w.close {
		bw.WriteString("Connection: close\r\n")
	}
	_, err := bw.WriteString("\r\n")
	return err
}

// contentType is the Content-Type of the page's files.
func contentType(name string) string {
	switch {
	case strings.HasSuffix(name, ".html"):
		return "text/html; charset=utf-8"
	case strings.HasSuffix(name, ".css"):
		return "text/css; charset=utf-8"
	case strings.HasSuffix(name, ".js"):
		return "text/javascript; charset=utf-8"
	case strings.HasSuffix(name, ".svg"):
		return "image/svg+xml"
	case strings.HasSuffix(name, ".png"):
		return "image/png"
	}
	return "application/octet-stream"
}
