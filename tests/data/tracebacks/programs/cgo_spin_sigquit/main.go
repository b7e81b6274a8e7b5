// Command cgo_spin_sigquit spins in C code on one thread and sends itself SIGQUIT:
// at GOTRACEBACK=crash every other thread then dumps its own stack after a
// "-----" line, each with a "SIGQUIT: quit" header and register values.
package main

/*
static volatile long counter;
static void spin_forever(void) { for (;;) { counter++; } }
*/
import "C"

import (
	"fmt"
	"syscall"
	"time"
)

func spin() {
	C.spin_forever()
}

func main() {
	go spin()
	time.Sleep(100 * time.Millisecond)
	fmt.Println("sending SIGQUIT to myself")
	syscall.Kill(syscall.Getpid(), syscall.SIGQUIT)
	time.Sleep(10 * time.Second)
}
