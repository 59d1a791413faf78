package runtime

// A combiner pre-aggregates records by key on the sending worker, so
// that an exchange moves one partial result per key and run instead of
// every record. That pays only when keys repeat within a run: folding a
// record into keyed state costs about as much as the receiving
// aggregation's fold, so a combiner whose runs see mostly distinct keys
// adds a fold per record and saves nothing (pagerank's out-degree count
// over random edges: 16Ki records a run over 1M keys).
//
// A CombineGate lets a combiner measure what it achieves and step aside
// when it does not pay. It counts, never times: the records the combiner
// folded and the partial results it sent for them. Once it has folded
// combineProbe records, it judges: combining pays when the partial
// results are at most half the records (out/in <= 1/2). The break-even
// is 1 - fold/(send+fold) for a fold and a send (push, exchange, the
// receiver's fold) of about equal cost, 1/2, and lower only when sending
// is cheaper than folding, which it is not. When combining does not pay
// the combiner passes records straight on for combineSkip records, then
// probes again; each probe that fails doubles the records passed before
// the next, up to combineSkipMax, so that a combiner that never pays
// folds about 1 in 16 of its records at first and fewer than 1 in 256
// later, and one whose keys start to repeat notices within
// combineSkipMax records. A probe that pays resets the skip.
//
// The decisions depend on how records fall into runs, which depends on
// scheduling, but never the results: a combiner's partial results and
// passed-on records fold to the same aggregate (up to the order of float
// additions, as with combining off).
type CombineGate struct {
	in, out int64 // records folded and partial results sent since the last judgment
	skip    int64 // records still to pass on before the next probe
	backoff int64 // records to pass on after the next probe that fails
}

const (
	// combineProbe is how many records a combiner folds before it
	// judges whether combining pays.
	combineProbe = 1 << 16
	// combineSkip and combineSkipMax bound the records passed on after
	// a probe that failed.
	combineSkip    = 1 << 20
	combineSkipMax = 1 << 24
)

// Fold reports whether the combiner should fold the next batch of n
// records into its state (true) or pass them on as they are (false).
func (g *CombineGate) Fold(n int) bool {
	fold := g.Folding()
	g.Took(n, fold)
	return fold
}

// Folding reports whether the combiner should fold the records it takes
// next (true) or pass them on (false). A combiner fused into the
// operator that produces its records does not know how many a batch
// gives it until the batch is done: it asks Folding before the batch
// and tells Took the count after.
func (g *CombineGate) Folding() bool { return g.skip <= 0 }

// Took records that the combiner took n records and folded them (fold)
// or passed them on, as Folding said.
func (g *CombineGate) Took(n int, fold bool) {
	if fold {
		g.in += int64(n)
	} else {
		g.skip -= int64(n)
	}
}

// Sent records that the combiner sent n partial results for records it
// folded.
func (g *CombineGate) Sent(n int) { g.out += int64(n) }

// Judge is called at the end of every run of the combiner, once it has
// sent the partial results of the records folded in the run. When
// enough records have been folded since the last judgment it decides
// whether the next records are folded or passed on.
func (g *CombineGate) Judge() {
	if g.in < combineProbe {
		return
	}
	if 2*g.out > g.in {
		g.backoff = min(max(2*g.backoff, combineSkip), combineSkipMax)
		g.skip = g.backoff
	} else {
		g.backoff = 0
	}
	g.in, g.out = 0, 0
}

// Passing reports whether the combiner is passing records on, not
// folding them: between a probe that failed and the next probe.
func (g *CombineGate) Passing() bool { return g.skip > 0 }
