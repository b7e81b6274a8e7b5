// Command race_struct_field demonstrates a data race on a struct field: one
// goroutine writes Counter.hits through Set while another reads it through
// Get, with nothing ordering the two (a sleep is not an order). Built with -race, the detector reports
// the race (both accesses and where each goroutine was created) and the
// program exits with status 66 after main returns.
package main

import (
	"fmt"
	"sync"
	"time"

	"example.com/race_struct_field/stats"
)

func main() {
	c := &stats.Counter{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		c.Set(42)
	}()
	// Sleeping orders nothing for the race detector (the race stays), but in practice lets the
	// write come first, so every run reports the same pair the same way round.
	time.Sleep(100 * time.Millisecond)
	go func() {
		defer wg.Done()
		fmt.Println("hits:", c.Get())
	}()
	wg.Wait()
}
