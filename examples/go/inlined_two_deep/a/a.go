// Package a walks the rows; Outer is too costly for the compiler to inline.
package a

import (
	"fmt"

	"example.com/inlined_two_deep/b"
)

// Outer sums column col of every row, logging each step. The two fmt calls
// put its cost above the inlining budget of 80, so it keeps a frame of its own.
func Outer(rows [][]int, col int) int {
	total := 0
	for i, row := range rows {
		fmt.Printf("row %d has %d cells\n", i, len(row))
		total += b.Middle(row, col)
		fmt.Printf("total after row %d: %d\n", i, total)
	}
	return total
}
