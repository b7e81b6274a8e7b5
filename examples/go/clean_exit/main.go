// Command clean_exit does not crash: it prints to stdout and stderr and
// exits with status 0.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println("hello from stdout")
	fmt.Fprintln(os.Stderr, "hello from stderr")
}
