package lang

import (
	"go/types"
	"strings"
)

// How the records of a stream are spread over the workers, as far as the
// checker can tell. A keyed operator (count, distinct, sum, min, max,
// reduce, top_k, join, iterate) needs every record of a key on the worker
// that owns the key's hash; the checker adds an exchange by that key in
// front of it unless its input is known to be spread that way already.
const (
	// spreadUnknown: records may be on any worker.
	spreadUnknown = ""
	// spreadByRecord: each record is on the worker owning its hash.
	spreadByRecord = "r"
	// spreadByKey: each (key, ...) tuple is on the worker owning the
	// hash of its first field.
	spreadByKey = "r.F0"
	// spreadEverywhere: every worker holds every record (broadcast).
	spreadEverywhere = "*"
)

// spread returns how the records of n's stream are spread over the
// workers: one of the spread constants, or for an exchange whose key is
// neither the record nor a tuple's first field, the key's text.
func spread(n *Node) string {
	switch n.Op {
	case "exchange":
		return keySpread(n.Lambda)
	case "broadcast":
		return spreadEverywhere
	case "filter", "inspect", "probe", "delay", "enter", "partition", "branch", "part":
		return spread(n.Inputs[0])
	case "map", "flat_map":
		// New records: spread by no key, but still held whole by every
		// worker when the input is.
		if spread(n.Inputs[0]) == spreadEverywhere {
			return spreadEverywhere
		}
		return spreadUnknown
	case "concat":
		s := spread(n.Inputs[0])
		for _, in := range n.Inputs[1:] {
			if spread(in) != s {
				return spreadUnknown
			}
		}
		return s
	case "count", "sum", "min", "max", "reduce", "top_k":
		if spread(n.Inputs[0]) == spreadEverywhere {
			return spreadEverywhere
		}
		return spreadByKey
	case "distinct":
		if spread(n.Inputs[0]) == spreadEverywhere {
			return spreadEverywhere
		}
		return spreadByRecord
	case "join":
		l, r := spread(n.Inputs[0]), spread(n.Inputs[1])
		switch {
		case l == spreadEverywhere:
			return r
		case r == spreadEverywhere:
			return l
		}
		return spreadByKey
	case "loopvar", "loopresult":
		lp := n.Loop
		if n.Op == "loopresult" {
			lp = n.Inner
		}
		if lp.Kind == "iterate" {
			return spreadByRecord
		}
	}
	return spreadUnknown
}

// keySpread returns the spread an exchange by lambda l gives: by record
// for x => x, by key for x => x.F0 or (k, v) => k over a tuple.
func keySpread(l *LambdaInfo) string {
	body := strings.TrimSpace(l.Body)
	tuple := TupleFields(l.In) != nil
	switch {
	case l.Block:
	case l.Destructure && len(l.Params) > 0 && body == l.Params[0]:
		return spreadByKey
	case !l.Destructure && len(l.Params) == 1 && body == l.Params[0]:
		return spreadByRecord
	case !l.Destructure && len(l.Params) == 1 && tuple && body == l.Params[0]+".F0":
		return spreadByKey
	}
	return "exchange(" + body + ")"
}

// spreadFor returns in, or an implied exchange of in's records by key
// (spreadByRecord or spreadByKey) when in is not spread that way (or to
// every worker) already: what a keyed operator at pos reads.
func (c *checker) spreadFor(sc *scope, in *Node, pos Pos, key string) *Node {
	if s := spread(in); s == key || s == spreadEverywhere {
		return in
	}
	if key == spreadByRecord {
		return c.implicitExchange(sc, in, pos, "r", in.Out)
	}
	return c.implicitExchange(sc, in, pos, "r.F0", TupleFields(in.Out)[0])
}

// keyRoutable checks that the records (key == spreadByRecord) or the
// keys of the (key, value) tuples of type t can be hashed, so that an
// operator what can route them to the worker that owns them.
func (c *checker) keyRoutable(pos Pos, what, key string, t types.Type) bool {
	k := t
	if key == spreadByKey {
		k = TupleFields(t)[0]
	}
	if why := unhashable(k); why != "" {
		c.errs.Addf(pos, "%s routes records of one key to one worker, so it needs keys that can be hashed, but %s cannot: %s", what, c.typeName(k), why)
		return false
	}
	return true
}
