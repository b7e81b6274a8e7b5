// Command many_goroutines demonstrates a crash among many goroutines: 2,000
// workers are parked on a channel receive when the main goroutine writes to
// a nil map.
package main

import (
	"fmt"

	"example.com/many_goroutines/pool"
)

func main() {
	p := pool.Start(2000)
	fmt.Println("workers parked:", p.Size())
	p.Record("first", 1)
}
