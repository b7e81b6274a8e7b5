// Package jobs runs batch jobs.
package jobs

import (
	"fmt"
	"time"
)

// Job describes a unit of work.
type Job struct {
	ID   int
	Size int
}

// Run executes a job; jobs of size 0 are invalid.
func Run(j Job) {
	if j.Size == 0 {
		panic(fmt.Sprintf("job %d: invalid size 0", j.ID))
	}
	time.Sleep(time.Duration(j.Size) * time.Second)
}
