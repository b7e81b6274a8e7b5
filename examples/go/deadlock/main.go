// Command deadlock demonstrates "fatal error: all goroutines are asleep -
// deadlock!": main waits for a result that no goroutine will ever send.
package main

import "fmt"

func waitResult(results chan int) int {
	return <-results
}

func main() {
	results := make(chan int)
	fmt.Println("waiting for result")
	fmt.Println(waitResult(results))
}
