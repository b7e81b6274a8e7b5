package stats

import (
	"sync"
	"testing"
)

// TestConcurrentSetGet sets and reads one Counter from two goroutines: the
// race detector reports the race on c.hits and fails the test.
func TestConcurrentSetGet(t *testing.T) {
	c := &Counter{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		c.Set(7)
	}()
	go func() {
		defer wg.Done()
		_ = c.Get()
	}()
	wg.Wait()
}
