// Package stats keeps a hit counter that is not safe for concurrent use:
// Set and Get touch the same field without a lock.
package stats

// Counter counts hits; its field is shared without synchronisation.
type Counter struct {
	hits int
}

// Set stores n (a write of c.hits).
func (c *Counter) Set(n int) {
	c.hits = n
}

// Get returns the count (a read of c.hits).
func (c *Counter) Get() int {
	return c.hits
}
