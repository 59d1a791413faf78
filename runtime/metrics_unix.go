//go:build unix

package runtime

import (
	goruntime "runtime"
	"syscall"
)

// addUsage adds the process's CPU time and peak resident memory.
func (s *metricSet) addUsage() {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return
	}
	s.add(mCPUSeconds, float64(ru.Utime.Nano()+ru.Stime.Nano())/1e9)
	maxRSS := float64(ru.Maxrss)
	if goruntime.GOOS != "darwin" && goruntime.GOOS != "ios" {
		maxRSS *= 1024 // kilobytes elsewhere
	}
	s.add(mMaxRSS, maxRSS)
}
