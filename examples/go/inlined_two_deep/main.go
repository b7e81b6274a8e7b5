// Command inlined_two_deep demonstrates a crash inside a function inlined two
// levels deep in an optimized build: main.main -> a.Outer (too big to inline)
// -> b.Middle (inlined) -> b.leaf (inlined), which indexes a 2-element row
// with index 2.
package main

import (
	"fmt"
	"os"

	"example.com/inlined_two_deep/a"
)

func main() {
	rows := [][]int{{1, 2, 3}, {4, 5}, {6}}
	col := len(os.Args) + 1 // 2 without arguments; not a constant the compiler can fold
	fmt.Println("total:", a.Outer(rows, col))
}
