// Command waiting_locked parks a goroutine locked to its thread on a channel
// receive for over a minute, then panics in main, so the dump shows
// "[chan receive, 1 minutes, locked to thread]". The runtime stamps a parked
// goroutine's wait with the time of the previous GC cycle when a GC scans its
// stack, so two cycles run before the long wait.
package main

import (
	"runtime"
	"time"
)

func parked(ch chan int) {
	runtime.LockOSThread()
	<-ch
}

func main() {
	go parked(make(chan int))
	time.Sleep(100 * time.Millisecond)
	runtime.GC()
	runtime.GC()
	time.Sleep(61 * time.Second)
	panic("waited long enough")
}
