package runtime

import (
	"bufio"
	"fmt"
	"os"
	"sync"
)

// Files that write sinks write to. Every worker of a process writing to
// one path shares one file, which the computation creates (truncating it)
// when the first worker asks for it and closes at the end. Workers write
// whole lines under the file's lock, as they do to standard output, so
// lines never interleave. In a computation of several processes, process
// p writes to path.p, so processes on one host do not overwrite each
// other.

// sharedFile is a file the workers of this process write lines to.
type sharedFile struct {
	mu sync.Mutex
	f  *os.File
}

// write writes a and then b under the file's lock.
func (s *sharedFile) write(a, b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.f.Write(a); err != nil {
		return err
	}
	_, err := s.f.Write(b)
	return err
}

// workerFile is a worker's buffer in front of a shared file.
type workerFile struct {
	path string
	sink lineSink
	buf  *bufio.Writer
}

// File returns the worker's buffer for the file at path, created on the
// first call of any worker. The worker writes the buffer's complete lines
// to the file after each Run; call it from build.
func (w *Worker) File(path string) (*bufio.Writer, error) {
	for _, f := range w.files {
		if f.path == path {
			return f.buf, nil
		}
	}
	sf, err := w.c.sharedFile(path)
	if err != nil {
		return nil, err
	}
	wf := &workerFile{path: path, sink: lineSink{out: sf.write}}
	wf.buf = bufio.NewWriterSize(&wf.sink, 64<<10)
	w.files = append(w.files, wf)
	return wf.buf, nil
}

// sharedFile returns the file of path, creating it on first use.
func (c *Computation) sharedFile(path string) (*sharedFile, error) {
	if c.processes > 1 {
		path = fmt.Sprintf("%s.%d", path, c.cfg.Cluster.Index)
	}
	c.filesMu.Lock()
	defer c.filesMu.Unlock()
	if sf, ok := c.files[path]; ok {
		return sf, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if c.files == nil {
		c.files = map[string]*sharedFile{}
	}
	sf := &sharedFile{f: f}
	c.files[path] = sf
	return sf, nil
}

// flushFiles writes the complete lines of the worker's file buffers.
func (w *Worker) flushFiles() error {
	for _, f := range w.files {
		if f.buf.Buffered() > 0 {
			if err := f.buf.Flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// closeFiles writes what remains in the worker's file buffers.
func (w *Worker) closeFiles() error {
	if err := w.flushFiles(); err != nil {
		return err
	}
	for _, f := range w.files {
		if err := f.sink.close(); err != nil {
			return err
		}
	}
	return nil
}

// closeFiles closes the files of the computation, after every worker
// exited; it reports the first error.
func (c *Computation) closeFiles() error {
	c.filesMu.Lock()
	defer c.filesMu.Unlock()
	var first error
	for _, sf := range c.files {
		if err := sf.f.Close(); err != nil && first == nil {
			first = err
		}
	}
	c.files = nil
	return first
}
