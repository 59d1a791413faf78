package runtime

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startHTTP serves h on a loopback port and returns its address.
func startHTTP(t *testing.T, h httpHandler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go serveHTTP(ln, h)
	return ln.Addr().String()
}

// echoHandler answers with the request's method, path and query.
func echoHandler(w *httpResponse, r *httpRequest) {
	if r.path == "/missing" {
		w.notFound()
		return
	}
	w.setHeader("Content-Type", "text/plain")
	fmt.Fprintf(w, "%s %s %s", r.method, r.path, r.query.Encode())
}

// rawHTTP sends request on a new connection and returns everything the
// server sent until it closed the connection.
func rawHTTP(t *testing.T, addr, request string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	_, err = io.WriteString(c, request)
	require.NoError(t, err)
	b, err := io.ReadAll(c)
	require.NoError(t, err)
	return string(b)
}

func TestHTTPServerWithNetHTTPClient(t *testing.T) {
	addr := startHTTP(t, echoHandler)
	resp, err := http.Get("http://" + addr + "/a%20b/c?x=1&y=two")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "text/plain", resp.Header.Get("Content-Type"))
	assert.Equal(t, "GET /a b/c x=1&y=two", string(body))
	resp, err = http.Get("http://" + addr + "/missing")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 404, resp.StatusCode)
	resp, err = http.Head("http://" + addr + "/h")
	require.NoError(t, err)
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Empty(t, body, "no body for HEAD")
	assert.Equal(t, int64(len("HEAD /h ")), resp.ContentLength)
	resp, err = http.Post("http://"+addr+"/p", "text/plain", strings.NewReader("data"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 400, resp.StatusCode, "a request with a body")
}

func TestHTTPServerKeepAlive(t *testing.T) {
	addr := startHTTP(t, echoHandler)
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	for i := range 3 {
		_, err := fmt.Fprintf(c, "GET /r%d HTTP/1.1\r\nHost: x\r\n\r\n", i)
		require.NoError(t, err)
		resp, err := http.ReadResponse(br, nil)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf("GET /r%d ", i), string(body), "request %d on one connection", i)
	}
}

func TestHTTPServerRefuses(t *testing.T) {
	addr := startHTTP(t, echoHandler)
	for _, c := range []struct{ name, request, status string }{
		{"method", "DELETE / HTTP/1.1\r\n\r\n", "HTTP/1.1 405 Method Not Allowed\r\n"},
		{"version", "GET / HTTP/2.0\r\n\r\n", "HTTP/1.1 505 "},
		{"garbage", "hello\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n"},
		{"not a path", "GET http//x HTTP/1.1\r\n\r\n", "HTTP/1.1 400 "},
		{"chunked body", "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", "HTTP/1.1 400 "},
		{"header without colon", "GET / HTTP/1.1\r\nnonsense\r\n\r\n", "HTTP/1.1 400 "},
		{"huge header", "GET / HTTP/1.1\r\nX: " + strings.Repeat("a", 2*httpMaxHeader) + "\r\n\r\n", "HTTP/1.1 431 "},
		{"many headers", "GET / HTTP/1.1\r\n" + strings.Repeat("X: aaaaaaaa\r\n", httpMaxHeader/8) + "\r\n", "HTTP/1.1 431 "},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := rawHTTP(t, addr, c.request)
			assert.True(t, strings.HasPrefix(out, c.status), "got %q", out)
			assert.Contains(t, out, "Connection: close\r\n", "the server closes after an error")
		})
	}
	out := rawHTTP(t, addr, "GET /old HTTP/1.0\r\n\r\n")
	assert.True(t, strings.HasPrefix(out, "HTTP/1.1 200 OK\r\n"), "got %q", out)
	assert.True(t, strings.HasSuffix(out, "\r\n\r\nGET /old "), "HTTP/1.0: one request, then close: %q", out)
	out = rawHTTP(t, addr, "\r\nGET /a HTTP/1.1\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\n\r\n")
	assert.Contains(t, out, "GET /a ")
	assert.NotContains(t, out, "GET /b", "Connection: close ends the connection")
}

func TestHTTPServerClientGone(t *testing.T) {
	returned := make(chan struct{})
	addr := startHTTP(t, func(w *httpResponse, r *httpRequest) {
		defer close(returned)
		select {
		case <-r.clientGone(w):
		case <-time.After(20 * time.Second):
			fmt.Fprint(w, "timed out")
		}
	})
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	_, err = io.WriteString(c, "GET /slow HTTP/1.1\r\n\r\n")
	require.NoError(t, err)
	time.Sleep(50 * time.Millisecond)
	c.Close()
	select {
	case <-returned:
	case <-time.After(10 * time.Second):
		t.Fatal("the handler did not see the client go")
	}
}

func TestPageRoutes(t *testing.T) {
	s := &webServer{}
	get := func(path string) *httpResponse {
		w := &httpResponse{status: 200}
		s.serve(w, &httpRequest{method: "GET", path: path})
		return w
	}
	for path, typ := range map[string]string{"/": "text/html; charset=utf-8", "/page.js": "text/javascript; charset=utf-8", "/page.css": "text/css; charset=utf-8"} {
		w := get(path)
		assert.Equal(t, 200, w.status, path)
		assert.Contains(t, w.header, "Content-Type: "+typ, path)
		assert.NotZero(t, w.body.Len(), path)
	}
	for _, path := range []string{"/nosuch", "/page.js/", "/../web.go", "/plan/0.svg", "/plan/x.svg", "/plan/0.svgz", "/debug/pprof/nosuch", "/debug/pprof/goroutine/x"} {
		assert.Equal(t, 404, get(path).status, path)
	}
	w := get("/debug/pprof")
	assert.Equal(t, 301, w.status)
	assert.Contains(t, w.header, "Location: /debug/pprof/")
	assert.Equal(t, "text/html; charset=utf-8", contentType("a.html"))
	assert.Equal(t, "image/svg+xml", contentType("a.svg"))
	assert.Equal(t, "application/octet-stream", contentType("a"))
}

func TestHTTPServerStreams(t *testing.T) {
	addr := startHTTP(t, func(w *httpResponse, r *httpRequest) {
		w.setHeader("Content-Type", "application/octet-stream")
		w.streamBody()
		if r.path == "/fail" {
			w.error(500, "cannot start")
			return
		}
		for i := range 3 {
			fmt.Fprintf(w, "part %d;", i)
		}
	})
	resp, err := http.Get("http://" + addr + "/s")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, int64(-1), resp.ContentLength, "a stream has no length")
	assert.Equal(t, "part 0;part 1;part 2;", string(body))
	resp, err = http.Get("http://" + addr + "/fail")
	require.NoError(t, err)
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 500, resp.StatusCode, "an error before the first write")
	assert.Equal(t, "cannot start\n", string(body))
	out := rawHTTP(t, addr, "HEAD /s HTTP/1.1\r\n\r\n")
	assert.True(t, strings.HasSuffix(out, "Connection: close\r\n\r\n"), "HEAD: the head only: %q", out)
}
