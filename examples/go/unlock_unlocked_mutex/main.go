// Command unlock_unlocked_mutex demonstrates "fatal error: sync: unlock of
// unlocked mutex": release unlocks a mutex that was already unlocked.
package main

import (
	"fmt"
	"sync"
)

type counter struct {
	mu sync.Mutex
	n  int
}

func (c *counter) release() {
	c.mu.Unlock()
}

func (c *counter) incr() {
	c.mu.Lock()
	c.n++
	c.release()
}

func main() {
	c := &counter{}
	c.incr()
	fmt.Println("n =", c.n)
	c.release() // second unlock
}
