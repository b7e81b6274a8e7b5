// Package store keeps orders in memory.
package store

// Orders maps an order id to its item count.
type Orders struct {
	byID map[string]int
}

// New returns a ready store.
func New() *Orders { return &Orders{byID: map[string]int{}} }

// Add records an order; the zero Orders has no map and panics here.
func (o *Orders) Add(id string, items int) {
	o.byID[id] = items
}

// Count returns the items of an order.
func (o *Orders) Count(id string) int {
	return o.byID[id]
}
