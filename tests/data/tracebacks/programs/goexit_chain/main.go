// Command goexit_chain panics in a deferred call that runs during runtime.Goexit,
// after an earlier panic was recovered: the runtime prints the chain with the
// goexit link left out ("panic: A [recovered]" then "\tpanic: B").
package main

import (
	"fmt"
	"runtime"
)

func worker(done chan struct{}) {
	defer close(done)
	defer func() { panic("second: deferred call ran by Goexit") }()
	defer func() {
		recover()
		runtime.Goexit()
	}()
	panic("first: recovered before Goexit")
}

func main() {
	done := make(chan struct{})
	go worker(done)
	<-done
	fmt.Println("main: worker done")
}
