// Command wordfreq counts the words of a file with dataflow Words. Run as
// several processes (-n, -p, -hostfile), each feeds its share of the
// file's lines to its own input and prints the words its workers own;
// together they print the counts of the whole file.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"example.com/gogenerate/words"
	tdrt "github.com/tdflow/tdc/runtime"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "wordfreq:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("wordfreq", flag.ContinueOnError)
	workers := fs.Int("w", 1, "workers of this process")
	procs := fs.Int("n", 1, "processes")
	index := fs.Int("p", 0, "index of this process, 0 to n-1")
	hostfile := fs.String("hostfile", "", "file of host:port lines, one per process")
	secret := fs.String("secret", os.Getenv("TDC_SECRET"), "secret the processes share")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: wordfreq [flags] FILE")
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	cfg := words.DefaultWordsConfig()
	cfg.Runtime.Workers = *workers
	if *procs > 1 {
		f, err := os.Open(*hostfile)
		if err != nil {
			return err
		}
		addrs, err := tdrt.ParseHostfile(f, *hostfile)
		f.Close()
		if err != nil {
			return err
		}
		cfg.Runtime.Cluster.Processes = *procs
		cfg.Runtime.Cluster.Index = *index
		cfg.Runtime.Cluster.Addresses = addrs
		cfg.Runtime.Cluster.Secret = []byte(*secret)
	}
	// This process's share of the lines.
	var mine []string
	for i, line := range strings.Split(string(data), "\n") {
		if i%*procs == *index {
			mine = append(mine, line)
		}
	}
	freqs, err := words.Count(context.Background(), cfg, mine)
	if err != nil {
		return err
	}
	for _, f := range freqs {
		fmt.Printf("%s %d\n", f.Word, f.N)
	}
	return nil
}
