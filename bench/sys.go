package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"time"
)

// tcpChunk is the size of each write in the TCP measurement.
const tcpChunk = 64 << 10

// tcpThroughput starts self as a sink process, sends it total bytes over
// loopback TCP in 64 KiB writes and returns bytes per second.
func tcpThroughput(self string, total int64) (float64, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	cmd := exec.Command(self, "-sink", ln.Addr().String())
	cmd.Stderr = os.Stderr
	var out strings.Builder
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	conn, err := ln.Accept()
	if err != nil {
		cmd.Process.Kill()
		return 0, err
	}
	buf := make([]byte, tcpChunk)
	start := time.Now()
	for sent := int64(0); sent < total; sent += tcpChunk {
		if _, err := conn.Write(buf); err != nil {
			conn.Close()
			cmd.Wait()
			return 0, err
		}
	}
	conn.Close()
	if err := cmd.Wait(); err != nil {
		return 0, err
	}
	el := time.Since(start)
	return float64(total) / el.Seconds(), nil
}

// runSink is the child mode "-sink ADDR": it reads everything from ADDR.
func runSink(addr string, out io.Writer) error {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	n, err := io.CopyBuffer(io.Discard, conn, make([]byte, tcpChunk))
	fmt.Fprintln(out, n)
	return err
}

// memcpyBandwidth copies a 64 MiB buffer repeatedly on one goroutine
// and returns bytes per second.
func memcpyBandwidth(rounds int) float64 {
	src, dst := make([]byte, 64<<20), make([]byte, 64<<20)
	for i := range src {
		src[i] = byte(i)
	}
	copy(dst, src)
	start := time.Now()
	for range rounds {
		copy(dst, src)
	}
	return float64(rounds*len(src)) / time.Since(start).Seconds()
}
