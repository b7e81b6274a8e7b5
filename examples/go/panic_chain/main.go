// A deferred cleanup panics while the program is already panicking.
package main

import "errors"

func cleanup() {
	panic(errors.New("cleanup failed"))
}

func work() {
	defer cleanup()
	var counts map[string]int
	counts["x"]++
}

func main() {
	work()
}
