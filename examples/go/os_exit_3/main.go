// Command os_exit_3 does not panic: it prints a message and exits with
// status 3 via os.Exit.
package main

import (
	"fmt"
	"os"
)

func check(n int) {
	if n < 10 {
		fmt.Fprintln(os.Stderr, "value too small, exiting with status 3")
		os.Exit(3)
	}
}

func main() {
	fmt.Println("checking value")
	check(5)
	fmt.Println("unreachable")
}
