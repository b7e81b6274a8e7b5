// Package cfault wraps a small C library that misbehaves.
package cfault

// #cgo CFLAGS: -O0 -g
// #include "fault.h"
import "C"

// Store asks the C library to store 2*v into its (missing) output slot.
func Store(v int) {
	C.store_value(nil, C.int(v))
}
