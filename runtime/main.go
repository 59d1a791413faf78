package runtime

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// Main runs the command of a generated binary: it parses the command
// line (the workers flag plus whatever register adds), runs run with a
// context that ends on SIGINT or SIGTERM, and returns the exit status:
// 0 on success, 1 when run fails (the error is printed to stderr), 2 on
// bad usage.
func Main(name string, args []string, stderr io.Writer, register func(*flag.FlagSet), run func(context.Context, Config) error) int {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := DefaultConfig()
	fs.IntVar(&cfg.Workers, "w", cfg.Workers, "number of workers (goroutines) in this process")
	fs.IntVar(&cfg.Workers, "threads", cfg.Workers, "same as -w")
	register(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n", name, fs.Arg(0))
		fs.Usage()
		return 2
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- run(ctx, cfg) }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		// Workers stop at their next scheduling point; one blocked in a
		// read (of standard input, say) may never get there.
		select {
		case err = <-done:
		case <-time.After(interruptGrace):
			err = fmt.Errorf("interrupted; gave up waiting %v for the workers to stop", interruptGrace)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
	return 0
}

// interruptGrace is how long Main waits for the workers after a signal.
const interruptGrace = 2 * time.Second

// number is the set of param types the flag package has no Var for.
type number interface {
	~int8 | ~int16 | ~int32 | ~uint8 | ~uint16 | ~uint32 | ~float32
}

// numberFlag is a flag.Value for a param of a sized number type.
type numberFlag[T number] struct{ p *T }

// NumberFlag returns a flag.Value that parses into *p and rejects values
// out of T's range.
func NumberFlag[T number](p *T) flag.Value { return numberFlag[T]{p} }

func (f numberFlag[T]) String() string {
	if f.p == nil {
		return "0"
	}
	return fmt.Sprint(*f.p)
}

func (f numberFlag[T]) Set(s string) error {
	var zero T
	switch any(zero).(type) {
	case float32:
		v, err := strconv.ParseFloat(s, 32)
		if err != nil {
			return err
		}
		*f.p = T(v)
	case uint8, uint16, uint32:
		v, err := strconv.ParseUint(s, 0, bitSize(zero))
		if err != nil {
			return err
		}
		*f.p = T(v)
	default:
		v, err := strconv.ParseInt(s, 0, bitSize(zero))
		if err != nil {
			return err
		}
		*f.p = T(v)
	}
	return nil
}

func bitSize(v any) int {
	switch v.(type) {
	case int8, uint8:
		return 8
	case int16, uint16:
		return 16
	}
	return 32
}
