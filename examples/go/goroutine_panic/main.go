// Command goroutine_panic demonstrates a panic in a goroutine other than main:
// a job runner goroutine panics while main waits on a WaitGroup.
package main

import (
	"fmt"
	"sync"

	"example.com/goroutine_panic/jobs"
)

func main() {
	var wg sync.WaitGroup
	for _, j := range []jobs.Job{{ID: 1, Size: 2}, {ID: 2, Size: 0}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			jobs.Run(j)
		}()
	}
	wg.Wait()
	fmt.Println("all jobs done")
}
