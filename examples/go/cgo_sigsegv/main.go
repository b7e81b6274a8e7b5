// Command cgo_sigsegv demonstrates a SIGSEGV raised inside C code called
// through cgo: cfault.Store passes a NULL pointer to a C function that
// writes through it.
package main

import (
	"fmt"

	"example.com/cgo_sigsegv/cfault"
)

func main() {
	fmt.Println("calling into C")
	cfault.Store(42)
	fmt.Println("unreachable")
}
