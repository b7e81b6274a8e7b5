// Command shapes exercises the names -m=2 prints: methods, closures, generics.
package main

import "example.com/shapes/sub"

func main() {
	t := &subby.T{}
	f := func(x int) int { return x + t.Get([]int{1}) }
	println(f(1), t.Val(), subby.G(3), subby.Big(nil), subby.Even(4))
	go func() { println(f(2)) }()
}
