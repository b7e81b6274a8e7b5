// Package store implements a tiny in-memory cache.
package store

// Cache maps keys to integer values.
type Cache struct {
	items map[string]int
}

// NewCache returns a ready-to-use Cache.
func NewCache() *Cache { return &Cache{items: make(map[string]int)} }

// Put stores v under key k.
func (c *Cache) Put(k string, v int) {
	c.items[k] = v
}

// Get returns the value stored under k.
func (c *Cache) Get(k string) int {
	return c.items[k]
}
