// Command nil_map_write demonstrates "assignment to entry in nil map":
// a Cache built without its constructor has a nil map, and Put writes to it.
package main

import (
	"fmt"

	"example.com/nil_map_write/store"
)

func main() {
	c := &store.Cache{} // forgot store.NewCache, so c.items is nil
	fmt.Println("putting a value")
	c.Put("answer", 42)
	fmt.Println(c.Get("answer"))
}
