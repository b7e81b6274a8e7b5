// Command repanic_in_defer demonstrates a deferred function that recovers a
// panic and panics again with a new value that wraps the first one.
package main

import "fmt"

func parse(s string) int {
	return int(s[10]) // index out of range
}

func handle(s string) int {
	defer func() {
		if r := recover(); r != nil {
			panic(fmt.Errorf("handle %q: %v", s, r))
		}
	}()
	return parse(s)
}

func main() {
	fmt.Println("handling request")
	fmt.Println(handle("short"))
}
