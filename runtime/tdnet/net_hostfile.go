package tdnet

import (
	"bufio"
	"fmt"
	"io"
	mathrand "math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
)

// ParseHostfile reads a host file: one host:port per line, the address of
// process 0 first; blank lines and lines starting with # are skipped, and
// so is what follows a # on a line. name is the file's name for errors,
// which read "name:line: message". An address may not repeat.
func ParseHostfile(r io.Reader, name string) ([]string, error) {
	var addrs []string
	seen := make(map[string]int)
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		if strings.ContainsAny(text, " \t") {
			return nil, fmt.Errorf("%s:%d: %q: want one host:port per line", name, line, text)
		}
		if err := checkHostPort(text); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		if prev, ok := seen[text]; ok {
			return nil, fmt.Errorf("%s:%d: %s repeats line %d", name, line, text, prev)
		}
		seen[text] = line
		addrs = append(addrs, text)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("%s: no addresses", name)
	}
	if len(addrs) > MaxProcesses {
		return nil, fmt.Errorf("%s: %d addresses; at most %d processes", name, len(addrs), MaxProcesses)
	}
	return addrs, nil
}

// checkHostPort reports whether addr is host:port with a non-empty host
// and a port of 1 to 65535.
func checkHostPort(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("bad address %q: %v", addr, strings.TrimPrefix(err.Error(), "address "+addr+": "))
	}
	if host == "" {
		return fmt.Errorf("bad address %q: no host", addr)
	}
	if p, err := strconv.ParseUint(port, 10, 16); err != nil || p == 0 {
		return fmt.Errorf("bad address %q: port %q is not a number from 1 to 65535", addr, port)
	}
	return nil
}

// FreeLoopbackAddrs returns n addresses 127.0.0.1:port with ports that
// were free a moment ago (for tests and for launching local clusters).
// Another program may take a port before it is used; tests that cannot
// afford that pass listeners (ClusterConfig.Listener) instead, see
// LoopbackListeners.
func FreeLoopbackAddrs(n int) ([]string, error) {
	lo, hi := 10000, ephemeralLow()
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	addrs := make([]string, 0, n)
	for tries := 0; len(addrs) < n; tries++ {
		// Ports below the kernel's ephemeral range: there, a process's
		// outgoing connection can never take a port before the process
		// it is meant for listens on it.
		port := 0
		if tries < 1000 && hi-lo >= 1000 {
			port = lo + mathrand.IntN(hi-lo)
		}
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			if port == 0 {
				return nil, fmt.Errorf("listen on a loopback port: %v", err)
			}
			continue
		}
		lns = append(lns, ln)
		addrs = append(addrs, ln.Addr().String())
	}
	return addrs, nil
}

// ephemeralLow returns the first port of the range the kernel takes
// ephemeral ports from, or Linux's default.
func ephemeralLow() int {
	data, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 32768
	}
	var low int
	if _, err := fmt.Sscan(string(data), &low); err != nil || low <= 1024 {
		return 32768
	}
	return low
}

// LoopbackListeners returns n listeners on free ports of 127.0.0.1.
func LoopbackListeners(n int) ([]net.Listener, error) {
	lns := make([]net.Listener, 0, n)
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			for _, l := range lns {
				l.Close()
			}
			return nil, fmt.Errorf("listen on a loopback port: %v", err)
		}
		lns = append(lns, ln)
	}
	return lns, nil
}
