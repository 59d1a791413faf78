// Package planner turns a checked dataflow into an operator graph: the
// operators each worker runs, the ports they read and write, the channels
// between them, and the static facts progress tracking needs.
//
// # Operators and fusion
//
// Every source (lines, range, a host input) and every per-timestamp
// operator (count) becomes an operator. Element-wise operators (map,
// filter, flat_map, inspect) and sinks (print, output) become stages: a
// stage joins the operator that produces its input when that output has
// no other reader, so a chain of element-wise operators runs as one loop
// over each batch. Otherwise the stage starts a new chain operator that
// reads a channel.
//
// # Channels
//
// exchange and concat are not operators: exchange(key) makes the channels
// leaving its producer route each record to the worker that owns its key,
// and concat gives the reader several channels into one input port.
// Channels without a key are pipelines: records stay on their worker.
//
// # Progress facts
//
// Each input port and each output port is a location, numbered densely.
// Paths lists, for every location, the locations a pointstamp there may
// reach: inside an operator from its input to its output, along channels
// from an output to the inputs it feeds, and transitively beyond. Today's
// timestamps are epochs and every path leaves them unchanged; loops will
// add round summaries. Sources hold a capability at their output from the
// start, on every worker; host inputs hold one on the host.
//
// # Fingerprint
//
// The fingerprint is a hash of the plan's canonical text form: processes
// of one computation compare it to refuse a binary built from another
// program.
package planner
