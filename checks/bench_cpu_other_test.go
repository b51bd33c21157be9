//go:build !unix

package checks

import "time"

// processCPU is not measured here (the fleet-cpu-ms metric reads 0).
func processCPU() time.Duration { return 0 }
