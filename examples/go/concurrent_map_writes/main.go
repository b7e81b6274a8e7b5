// Command concurrent_map_writes demonstrates "fatal error: concurrent map
// writes": four goroutines run the same writer loop on an unsynchronized map.
// GOMAXPROCS is raised so the writers run in parallel (and the race is hit)
// even on a single-CPU machine.
package main

import (
	"fmt"
	"runtime"
	"sync"
)

var counts = map[int]int{}

func writer(id int) {
	for i := 0; ; i++ {
		counts[i%100] = id
	}
}

func main() {
	runtime.GOMAXPROCS(4)
	var wg sync.WaitGroup
	fmt.Println("starting writers")
	for id := 1; id <= 4; id++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			writer(id)
		}()
	}
	wg.Wait()
}
