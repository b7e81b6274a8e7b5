// Command broken_frame_pointer panics below an assembly function that
// overwrites the frame pointer register: the runtime and dlv (DWARF) still
// unwind correctly, but the saved-frame-pointer chain breaks at clobber.
// It exists to prove that dlvauto's --unwind-check notices where the two
// unwinds part.
package main

import "fmt"

// clobber sets BP to a bogus value and calls explode (clobber_amd64.s).
func clobber()

//go:noinline
func explode() {
	panic(fmt.Sprintf("exploded under a broken frame pointer chain (%d)", 42))
}

func main() {
	clobber()
}
