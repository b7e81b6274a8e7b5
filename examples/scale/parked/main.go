// Command parked starts N goroutines (default 100,000; the first argument
// overrides it), each 28 calls deep in a recursive descent, parks every one
// on a channel receive, and then panics in main: the scale test of dlvauto
// (scripts/bench/bench_scale.py). It is not part of the example corpus because a
// run takes seconds and a lot of memory.
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
)

var parked sync.WaitGroup

// descend recurses depth levels, then parks on never.
func descend(depth int, never <-chan struct{}) {
	if depth == 0 {
		parked.Done()
		<-never
		return
	}
	descend(depth-1, never)
}

func record(counts map[string]int) {
	counts["parked"] = 1 // counts is nil: the crash
}

func main() {
	n := 100000
	if len(os.Args) > 1 {
		v, err := strconv.Atoi(os.Args[1])
		if err != nil || v < 1 {
			fmt.Fprintln(os.Stderr, "usage: parked [N]")
			os.Exit(2)
		}
		n = v
	}
	never := make(chan struct{})
	parked.Add(n)
	for i := 0; i < n; i++ {
		go descend(27, never)
	}
	parked.Wait()
	fmt.Println("parked", n)
	var counts map[string]int
	record(counts)
}
