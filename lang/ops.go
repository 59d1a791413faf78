package lang

import "sort"

// OpKind says where an operator may stand in a pipeline and how it
// treats its records.
type OpKind int

// Operator kinds.
const (
	// SourceOp starts a pipeline and produces records.
	SourceOp OpKind = iota
	// ElementOp transforms each record on its own (map, filter, ...).
	ElementOp
	// RouteOp moves records between workers (exchange).
	RouteOp
	// CombineOp merges several streams (concat).
	CombineOp
	// TimeOp waits until a timestamp is complete, then emits (count).
	TimeOp
	// SinkOp ends a pipeline.
	SinkOp
	// ObserveOp passes records on and lets the host observe the stream.
	ObserveOp
)

// LambdaUse says whether an operator takes a lambda.
type LambdaUse int

// Lambda requirements.
const (
	NoLambda LambdaUse = iota
	NeedsLambda
	OptionalLambda
)

// OpSpec describes one built-in operator: how it is called and checked.
// The table of specs drives both validation and the documentation.
type OpSpec struct {
	Name   string
	Kind   OpKind
	Lambda LambdaUse
	// Usage is the call as documented, shown in errors.
	Usage string
	// Doc is one line for the documentation.
	Doc string
}

// Ops is the table of built-in operators and sources, by name.
var Ops = map[string]*OpSpec{
	"lines":     {Name: "lines", Kind: SourceOp, Usage: "lines(path)", Doc: "the lines of a text file (\"-\" or \"\" for standard input), divided among all workers; element type string"},
	"read":      {Name: "read", Kind: SourceOp, Usage: "read(path, T) or read(path, T, maxLineBytes)", Doc: "records of type T parsed from the whitespace-separated fields of each line of a text file, divided among all workers; blank lines and lines starting with # are skipped"},
	"csv":       {Name: "csv", Kind: SourceOp, Usage: "csv(path, T), csv(path, T, header) or csv(path, T, header, maxLineBytes)", Doc: "records of type T parsed from the comma-separated fields of each line of a CSV file, divided among all workers; with header true the first line is skipped"},
	"stdin":     {Name: "stdin", Kind: SourceOp, Usage: "stdin", Doc: "the lines of standard input, read by the first worker; element type string"},
	"range":     {Name: "range", Kind: SourceOp, Usage: "range(lo, hi)", Doc: "the integers lo, lo+1, ..., hi-1, divided among all workers; element type int64"},
	"map":       {Name: "map", Kind: ElementOp, Lambda: NeedsLambda, Usage: "map(x => expr)", Doc: "replaces each record by the lambda's value"},
	"filter":    {Name: "filter", Kind: ElementOp, Lambda: NeedsLambda, Usage: "filter(x => cond)", Doc: "keeps the records for which the lambda is true"},
	"flat_map":  {Name: "flat_map", Kind: ElementOp, Lambda: NeedsLambda, Usage: "flat_map(x => slice)", Doc: "replaces each record by the elements of the slice the lambda returns"},
	"inspect":   {Name: "inspect", Kind: ElementOp, Lambda: NeedsLambda, Usage: "inspect(x => expr)", Doc: "calls the lambda on each record and passes the record on unchanged"},
	"branch":    {Name: "branch", Kind: RouteOp, Lambda: NeedsLambda, Usage: "yes, no := s -> branch(x => cond)", Doc: "splits a stream in two: the records the lambda is true of, and the others"},
	"partition": {Name: "partition", Kind: RouteOp, Lambda: NeedsLambda, Usage: "p0, p1, ... := s -> partition(x => part)", Doc: "splits a stream into as many as there are names bound: each record goes to the part the lambda gives, an integer from 0"},
	"exchange":  {Name: "exchange", Kind: RouteOp, Lambda: NeedsLambda, Usage: "exchange(x => key)", Doc: "sends each record to the worker that owns the hash of its key"},
	"broadcast": {Name: "broadcast", Kind: RouteOp, Usage: "broadcast()", Doc: "sends every record to every worker; between processes one copy crosses each connection"},
	"concat":    {Name: "concat", Kind: CombineOp, Usage: "concat(stream, ...)", Doc: "merges the piped stream with the named streams of the same type"},
	"count":     {Name: "count", Kind: TimeOp, Usage: "count()", Doc: "per timestamp, emits (value, int64 count) for each distinct value once the timestamp is complete"},
	"delay":     {Name: "delay", Kind: TimeOp, Lambda: NeedsLambda, Usage: "delay(x => epoch)", Doc: "moves each record to the epoch the lambda gives (never earlier than its own), emitting it once that epoch is complete"},
	"top_k":     {Name: "top_k", Kind: TimeOp, Usage: "top_k(k) or top_k(k, v => score)", Doc: "per timestamp, for (key, value) tuples, keeps the k greatest values of each key and emits them, greatest first, once the timestamp is complete"},
	"distinct":  {Name: "distinct", Kind: TimeOp, Usage: "distinct()", Doc: "per timestamp, emits each distinct record once, once the timestamp is complete"},
	"sum":       {Name: "sum", Kind: TimeOp, Usage: "sum()", Doc: "per timestamp, for (key, number) tuples, emits (key, sum of the numbers) per key once the timestamp is complete"},
	"min":       {Name: "min", Kind: TimeOp, Usage: "min()", Doc: "per timestamp, for (key, value) tuples, emits (key, least value) per key once the timestamp is complete"},
	"max":       {Name: "max", Kind: TimeOp, Usage: "max()", Doc: "per timestamp, for (key, value) tuples, emits (key, greatest value) per key once the timestamp is complete"},
	"reduce":    {Name: "reduce", Kind: TimeOp, Lambda: NeedsLambda, Usage: "reduce((a, b) => v) or reduce((a, b) => v, associative)", Doc: "per timestamp, for (key, value) tuples, combines the values of each key with the lambda and emits (key, value) once the timestamp is complete"},
	"probe":     {Name: "probe", Kind: ObserveOp, Usage: "probe(name)", Doc: "passes records on unchanged and gives the host a probe of which timestamps may still arrive there"},
	"join":      {Name: "join", Kind: TimeOp, Usage: "join(stream)", Doc: "per timestamp, pairs (key, a) tuples with the named stream's (key, b) tuples of equal key, emitting (key, a, b) once the timestamp is complete"},
	"print":     {Name: "print", Kind: SinkOp, Lambda: OptionalLambda, Usage: "print() or print(x => string)", Doc: "writes each record as a line to standard output"},
	"capture":   {Name: "capture", Kind: SinkOp, Usage: "capture(name)", Doc: "collects the records with their times for the host: a Capture in the generated Go API; a binary prints them with their time"},
	"write":     {Name: "write", Kind: SinkOp, Usage: "write(path)", Doc: "writes each record as a line to the file at path, which the computation creates; like print otherwise"},
	"enter":     {Name: "enter", Kind: ElementOp, Usage: "enter()", Doc: "in the body of a loop or iterate, gives a stream from outside the loop to the body in round 0 only, instead of as the whole collection of its epoch in every round"},
	"next":      {Name: "next", Kind: SinkOp, Usage: "next", Doc: "in the body of a loop or iterate, feeds the records back: they are the loop variable's records of the next round"},
	"leave":     {Name: "leave", Kind: SinkOp, Usage: "leave", Doc: "in the body of a loop, sends the records out of the loop: they are records of the loop's result, at the epoch they belong to"},
	"output":    {Name: "output", Kind: SinkOp, Usage: "output(name)", Doc: "hands the records to the host: a callback in the generated Go API, standard output in a binary"},
}

// opNames returns the names of the operators of the given kinds, sorted.
func opNames(kinds ...OpKind) []string {
	var names []string
	for name, spec := range Ops {
		for _, k := range kinds {
			if spec.Kind == k {
				names = append(names, name)
				break
			}
		}
	}
	sort.Strings(names)
	return names
}
