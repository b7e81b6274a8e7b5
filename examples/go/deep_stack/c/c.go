// Package c is the innermost layer of the deep call chain.
package c

import "fmt"

// Validate checks the checksum of d.
func Validate(d []int) int {
	sum := 0
	for _, v := range d {
		sum += v
	}
	return Crash(sum)
}

// Crash panics when the checksum is wrong.
func Crash(sum int) int {
	if sum != 7 {
		panic(fmt.Sprintf("checksum mismatch: got %d, want 7", sum))
	}
	return sum
}
