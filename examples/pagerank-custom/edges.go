package pagerankcustom

import (
	"fmt"
	"strconv"
	"strings"
)

// blank reports whether line holds only white space.
func blank(line string) bool { return strings.TrimSpace(line) == "" }

// parseEdge reads a "src dst" line of two uint32.
func parseEdge(line string) (Edge, error) {
	src, dst, ok := strings.Cut(strings.TrimSpace(line), " ")
	if !ok {
		return Edge{}, fmt.Errorf(`want "src dst", got %q`, line)
	}
	s, err := strconv.ParseUint(src, 10, 32)
	if err != nil {
		return Edge{}, err
	}
	d, err := strconv.ParseUint(strings.TrimSpace(dst), 10, 32)
	if err != nil {
		return Edge{}, err
	}
	return Edge{Src: uint32(s), Dst: uint32(d)}, nil
}
