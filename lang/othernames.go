package lang

import (
	"fmt"
	"strings"
)

// otherNames maps the names that other dataflow systems (Spark, Flink,
// Beam, timely and differential dataflow, Kafka Streams, pandas, SQL)
// give to an operator or source to tdc's, or to a sentence on how tdc
// says it when it has no operator of that name. Keys are lower case
// without underscores, so groupBy, group_by and GroupBy are one entry.
var otherNames = map[string]string{
	// flat_map
	"flatmap": "flat_map", "flatmapvalues": "flat_map", "concatmap": "flat_map",
	"flatten": "flat_map", "explode": "flat_map", "mapmany": "flat_map", "selectmany": "flat_map",
	// map
	"select": "map", "transform": "map", "apply": "map", "mapelements": "map", "project": "map",
	"mapvalues": "map((k, v) => (k, f(v))) keeps each key and replaces its value",
	"keyby":     "map(x => (key(x), x)) makes (key, value) tuples",
	"withkeys":  "map(x => (key(x), x)) makes (key, value) tuples",
	// filter
	"where": "filter", "retain": "filter", "keep": "filter", "filtermap": "filter",
	// inspect
	"foreach": "inspect", "peek": "inspect", "tap": "inspect", "each": "inspect",
	// exchange
	"partitionby": "exchange", "repartition": "exchange", "shuffle": "exchange", "rebalance": "exchange",
	"keyedby": "exchange", "hashpartition": "exchange", "exchangeby": "exchange", "distribute": "exchange",
	"groupby":    "to aggregate per key, make (key, value) tuples and use sum(), min(), max(), reduce((a, b) => v) or top_k(k); count() counts each distinct record",
	"groupbykey": "to aggregate per key, make (key, value) tuples and use sum(), min(), max(), reduce((a, b) => v) or top_k(k); count() counts each distinct record",
	"aggregate":  "to aggregate per key, make (key, value) tuples and use sum(), min(), max(), reduce((a, b) => v) or top_k(k); count() counts each distinct record",
	"window":     "records are grouped by timestamp: an aggregation emits per epoch, and delay(x => epoch) moves records to a later one",
	// broadcast
	"replicate": "broadcast", "broadcastall": "broadcast",
	// concat
	"union": "concat", "unionall": "concat", "merge": "concat", "chain": "concat",
	// aggregations
	"reducebykey": "reduce", "foldbykey": "reduce", "aggregatebykey": "reduce", "combinebykey": "reduce",
	"fold": "reduce", "combine": "reduce", "reducegroup": "reduce",
	"countbykey": "count", "countbyvalue": "count", "valuecounts": "count", "countby": "count", "countdistinct": "count",
	"sumbykey": "sum", "sumby": "sum",
	"minby": "min", "minbykey": "min", "maxby": "max", "maxbykey": "max",
	"dedup": "distinct", "unique": "distinct", "dropduplicates": "distinct", "dedupe": "distinct",
	"top": "top_k", "topk": "top_k", "topn": "top_k", "takeordered": "top_k", "nlargest": "top_k",
	"innerjoin": "join", "joinbykey": "join", "hashjoin": "join", "cogroup": "join",
	// sinks
	"show": "print", "display": "print", "println": "print", "log": "print", "stdout": "print", "printall": "print",
	"collect": "capture", "tolist": "capture",
	"save": "write", "saveastextfile": "write", "writeastext": "write", "tofile": "write", "writetext": "write", "sink": "output",
	"feedback": "next", "loopback": "next",
	// sources
	"textfile": "lines", "readtextfile": "lines", "readtext": "lines", "readlines": "lines", "fromfile": "lines", "file": "lines", "open": "lines",
	"readcsv": "csv", "csvfile": "csv", "fromcsv": "csv",
	"generatesequence": "range", "sequence": "range", "seq": "range", "iota": "range", "numbers": "range", "fromrange": "range",
	"fromstdin": "stdin", "readstdin": "stdin", "sockettextstream": "stdin",
}

// unknownHint returns the rest of the message about an unknown operator
// (source false) or source (source true) called name: tdc's name for it
// when another system's, else the closest of every operator, source and
// custom operator, said to be a source or an operator when it is not
// what was asked for.
func (c *checker) unknownHint(name string, source bool) string {
	if other, ok := otherNames[strings.ToLower(strings.ReplaceAll(name, "_", ""))]; ok {
		spec := Ops[other]
		if spec == nil {
			return "; " + other
		}
		return fmt.Sprintf("; tdc calls it %s: %s%s", other, spec.Usage, kindNote(spec.Kind == SourceOp, source))
	}
	var names []string
	for n := range Ops {
		names = append(names, n)
	}
	for n := range c.declaredOps {
		names = append(names, n)
	}
	s := suggest(name, names)
	if s == "" || s == name {
		return ""
	}
	isSource := Ops[s] != nil && Ops[s].Kind == SourceOp
	return fmt.Sprintf("; did you mean %q?%s", s, kindNote(isSource, source))
}

// kindNote says where a suggested name belongs when that is not where
// the unknown one stands.
func kindNote(isSource, wantSource bool) string {
	switch {
	case isSource && !wantSource:
		return " (a source: it starts a pipeline)"
	case !isSource && wantSource:
		return " (an operator: it follows -> after a stream or a source)"
	}
	return ""
}
