// Command race_map_writes demonstrates a data race on a map that ends in
// "fatal error: concurrent map writes": two goroutines run main.record, which
// writes a shared map without locking. Each writes once, sleeps, then writes
// in a loop: the race detector reports the first two writes (sleeping orders
// nothing), and only later, when both loops run, does the runtime catch the
// concurrent writes and throw. The sleeps give the detector time to print its
// report before the throw ends the program. GOMAXPROCS is raised so the loops
// run in parallel even on a single-CPU machine. id is passed as an argument so
// that older Go versions (a shared loop variable before 1.22) race on nothing else.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

var seen = map[int]int{}

func record(id int) {
	seen[0] = id
	time.Sleep(400 * time.Millisecond)
	for i := 0; ; i++ {
		seen[i%64] = id
	}
}

func main() {
	runtime.GOMAXPROCS(4)
	var wg sync.WaitGroup
	fmt.Println("starting recorders")
	for id := 1; id <= 2; id++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			record(id)
		}(id)
		time.Sleep(100 * time.Millisecond)
	}
	wg.Wait()
}
