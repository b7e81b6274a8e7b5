// Command deep_stack demonstrates a panic 20 user calls deep, across the
// packages a, b and c of the module: main.run -> a.Level1..a.Level8 ->
// b.Step1..b.Step8 -> c.Validate -> c.Crash, which panics.
package main

import (
	"fmt"

	"example.com/deep_stack/a"
)

func run(data []int) int {
	return a.Level1(data)
}

func main() {
	fmt.Println("processing")
	fmt.Println(run([]int{1, 2, 3}))
}
