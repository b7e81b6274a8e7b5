// Command send_closed_channel demonstrates "send on closed channel".
package main

import "fmt"

func produce(out chan<- int, n int) {
	for i := 0; i < n; i++ {
		out <- i
	}
}

func main() {
	ch := make(chan int, 10)
	produce(ch, 3)
	close(ch)
	for v := range ch {
		fmt.Println("got", v)
	}
	produce(ch, 1)
}
