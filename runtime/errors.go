package runtime

import (
	"fmt"
	"unicode/utf8"
)

// LambdaError is a failure of user code (a lambda or a custom operator's
// body) at a position of the .tdf file.
type LambdaError struct {
	Pos    string // "wordcount.tdf:12:9"
	Op     string // "map"
	Record string // the offending record, at most maxRecord bytes
	Err    error
}

// maxRecord is the most bytes of a record a LambdaError keeps.
const maxRecord = 80

// NewLambdaError returns the error err of the lambda of operator op at
// pos on record. Strings and byte slices are formatted with %q, other
// records with %+v; a formatted record longer than 80 bytes keeps its
// head and tail with "..." between them.
func NewLambdaError(pos, op string, record any, err error) *LambdaError {
	var s string
	switch r := record.(type) {
	case string, []byte:
		s = fmt.Sprintf("%q", r)
	default:
		s = fmt.Sprintf("%+v", r)
	}
	return &LambdaError{Pos: pos, Op: op, Record: shorten(s, maxRecord), Err: err}
}

// Error returns `<Pos>: <Op>: <Err> (record: <Record>)`; the record part
// is left out when Record is empty.
func (e *LambdaError) Error() string {
	msg := fmt.Sprintf("%s: %s: %v", e.Pos, e.Op, e.Err)
	if e.Record != "" {
		msg += " (record: " + e.Record + ")"
	}
	return msg
}

// Unwrap returns the error of the user code.
func (e *LambdaError) Unwrap() error { return e.Err }

// shorten returns s if it has at most limit bytes, and otherwise its head
// and tail joined by "...", limit bytes at most, cut between runes.
func shorten(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	keep := limit - len("...")
	head := keep / 2
	for head > 0 && !utf8.RuneStart(s[head]) {
		head--
	}
	tail := len(s) - (keep - keep/2)
	for tail < len(s) && !utf8.RuneStart(s[tail]) {
		tail++
	}
	return s[:head] + "..." + s[tail:]
}

// PanicError is a panic inside an operator's Run, recovered by the worker.
type PanicError struct {
	Op     string // OperatorInfo.Name
	Pos    string // OperatorInfo.Pos
	Worker int    // the worker it ran on
	Value  any    // what the operator panicked with
	Stack  []byte // the goroutine's stack at the panic
}

// Error returns `<Pos>: <Op>: panic: <Value>`.
func (e *PanicError) Error() string {
	return fmt.Sprintf("%s: %s: panic: %v", e.Pos, e.Op, e.Value)
}

// Unwrap returns Value when it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}
