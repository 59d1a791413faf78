package runtime

import "bytes"

// maxCarry is the length past which a line without its newline is written
// anyway rather than kept back.
const maxCarry = 64 << 10

// lineSink is the writer under a worker's print buffer (or file buffer).
// It writes whole lines with out, which writes to Config.Stdout (or the
// file) under a lock shared by the workers, and keeps an unfinished last
// line back until its newline comes (or the worker exits).
type lineSink struct {
	out   func(a, b []byte) error
	carry []byte // the start of an unfinished line
}

// Write writes the complete lines of the carried bytes followed by p, and
// keeps the rest.
func (s *lineSink) Write(p []byte) (int, error) {
	i := bytes.LastIndexByte(p, '\n')
	if i < 0 && len(s.carry)+len(p) <= maxCarry {
		s.carry = append(s.carry, p...)
		return len(p), nil
	}
	if i < 0 {
		i = len(p) - 1
	}
	err := s.out(s.carry, p[:i+1])
	s.carry = append(s.carry[:0], p[i+1:]...)
	return len(p), err
}

// close writes the carried bytes.
func (s *lineSink) close() error {
	if len(s.carry) == 0 {
		return nil
	}
	err := s.out(s.carry, nil)
	s.carry = s.carry[:0]
	return err
}
