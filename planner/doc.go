// Package planner turns a checked dataflow into an operator graph: the
// operators each worker runs, the ports they read and write, the channels
// between them, and the static facts progress tracking needs.
//
// # Operators and fusion
//
// Every source (lines, range, a host input), every per-timestamp
// operator (count, join, ...), every custom operator and the head of
// every loop becomes an operator. Element-wise operators (map,
// filter, flat_map, inspect) and sinks (print, output) become stages: a
// stage joins the operator that produces its input when that output has
// no other reader, so a chain of element-wise operators runs as one loop
// over each batch. Otherwise the stage starts a new chain operator that
// reads a channel.
//
// A combiner (the pre-aggregation the checker puts before the exchange to
// a count, sum, min, max or associative reduce) is an operator at first;
// after planning, fuseCombiners makes it the last stage of each operator
// that feeds it through a pipeline of all its records, in the same loop,
// with no other reader (through a concat, each input on its own), and
// drops the combiner operator when no input is left (see Op.Combiner).
//
// # Channels
//
// exchange and concat are not operators, nor are next and leave (they
// add channels into a loop's head and out of the loop): exchange(key) makes the channels
// leaving its producer route each record to the worker that owns its key,
// and concat gives the reader several channels into one input port.
// Channels without a key are pipelines: records stay on their worker.
//
// # Progress facts
//
// Each input port and each output port is a location, numbered densely.
// Paths lists, for every location, the locations a pointstamp there may
// reach: inside an operator from its input to its output, along channels
// from an output to the inputs it feeds, and transitively beyond, each
// with the minimal summaries of how the paths change a timestamp.
// Operators and most channels keep times as they are; a loop's feedback
// channels add one to its round and the channels out of a loop reset it
// (Channel.Changes), so paths around a loop advance the round. Sources
// hold a capability at their output from the start, on every worker; host
// inputs hold one on the host.
//
// # Names
//
// Every operator has a Name made of its members and its .tdf line
// (ReadMapExchange21: a read fused with a map, routing its output by key,
// at line 21), unique in the graph. Generated code names the operator's
// type after it, so profiles and stack traces read without a decoder.
//
// # Fingerprint
//
// The fingerprint is a hash of the plan's canonical text form: processes
// of one computation compare it to refuse a binary built from another
// program.
package planner
