// Command hang never terminates and never deadlocks: waitReady polls a
// condition that never becomes true, sleeping between checks.
package main

import (
	"fmt"
	"time"
)

var ready bool

func waitReady() {
	for !ready {
		time.Sleep(10 * time.Millisecond)
	}
}

func main() {
	fmt.Println("waiting for ready")
	waitReady()
	fmt.Println("ready")
}
