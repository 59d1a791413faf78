package lang

import "strings"

// suggest returns the candidate closest to word, for "did you mean"
// hints, or "" when none is close enough. Closeness is the edit distance
// between the two (Levenshtein's, with a swap of two adjacent letters
// counted as one edit, so "fliter" is one edit from "filter"), compared
// case-insensitively. A candidate is close enough when the distance is at
// most a third of the word's length, and at most three: words of one or
// two letters only match candidates that differ from them in case. Among
// equally close candidates the alphabetically first wins, so the result
// does not depend on the order of candidates (which may come from a map).
// A word equal to a candidate returns that candidate.
func suggest(word string, candidates []string) string {
	w := []rune(strings.ToLower(word))
	limit := min(len(w)/3, 3)
	best, bestDist := "", limit+1
	for _, c := range candidates {
		d := editDistance(w, []rune(strings.ToLower(c)), limit+1)
		if d < bestDist || d == bestDist && d <= limit && c < best {
			best, bestDist = c, d
		}
	}
	if len(w) == 0 {
		return ""
	}
	return best
}

// Suggest returns the candidate closest to word, or "" when none is close
// enough or word is one of them: the "did you mean" of tdc's messages,
// for tools that share them.
func Suggest(word string, candidates []string) string {
	if s := suggest(word, candidates); s != word {
		return s
	}
	return ""
}

// editDistance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and transpositions of adjacent
// runes each cost one. Any result of bound or more is reported as bound,
// which lets the caller skip hopeless candidates cheaply.
func editDistance(a, b []rune, bound int) int {
	if d := len(a) - len(b); d >= bound || -d >= bound {
		return bound
	}
	// Three rows of the dynamic-programming table: two back, one back and
	// the current one.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
			rowMin = min(rowMin, d)
		}
		if rowMin >= bound {
			return bound
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], bound)
}
