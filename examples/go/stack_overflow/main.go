// Command stack_overflow demonstrates "goroutine stack exceeds" / "stack
// overflow": a cyclic tree makes Depth recurse forever. The maximum stack is
// lowered to 1 MiB so the crash happens quickly.
package main

import (
	"fmt"
	"runtime/debug"

	"example.com/stack_overflow/tree"
)

func main() {
	debug.SetMaxStack(1 << 20)
	root := &tree.Node{Name: "root"}
	child := &tree.Node{Name: "child", Parent: root}
	root.Parent = child // oops: a cycle
	fmt.Println("computing depth")
	fmt.Println(child.Depth())
}
