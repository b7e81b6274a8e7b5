// Command index_out_of_range demonstrates "index out of range [5] with length 3".
package main

import "fmt"

func pick(items []string, i int) string {
	return items[i]
}

func main() {
	colors := []string{"red", "green", "blue"}
	fmt.Println("first:", pick(colors, 0))
	fmt.Println("sixth:", pick(colors, 5))
}
