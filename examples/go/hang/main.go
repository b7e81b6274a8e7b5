// Command hang never terminates and never deadlocks: main waits for a ready
// signal that never comes, while a heartbeat goroutine keeps sleeping in a
// loop (so the runtime's deadlock detector never fires).
package main

import (
	"fmt"
	"time"
)

func heartbeat() {
	for {
		time.Sleep(10 * time.Millisecond)
	}
}

func waitReady(ready <-chan struct{}) {
	<-ready
}

func main() {
	fmt.Println("waiting for ready")
	go heartbeat()
	ready := make(chan struct{})
	waitReady(ready)
	fmt.Println("ready")
}
