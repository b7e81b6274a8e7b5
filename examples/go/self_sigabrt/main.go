// The program sends itself SIGABRT, as a watchdog does on a stuck invariant.
package main

import (
	"fmt"
	"os"
	"syscall"
	"time"
)

func watchdog() {
	syscall.Kill(os.Getpid(), syscall.SIGABRT)
	time.Sleep(2 * time.Second)
	fmt.Println("still running after SIGABRT")
}

func main() {
	watchdog()
}
