//go:build !unix

package runtime

import "time"

// processCPU returns 0: this system reports no CPU time through getrusage.
func processCPU() time.Duration { return 0 }
