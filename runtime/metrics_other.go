//go:build !unix

package runtime

// addUsage adds nothing where there is no getrusage.
func (s *metricSet) addUsage() {}
