// A recursive tree walk 150 calls deep reaches a nil child: deeper than the default --depth.
package main

type node struct {
	left  *node
	value int
}

func chain(n int) *node {
	root := &node{value: n}
	cur := root
	for i := 1; i < n; i++ {
		cur.left = &node{value: n - i}
		cur = cur.left
	}
	return root
}

func depth(n *node, want int) int {
	if want == 0 {
		return n.value
	}
	return depth(n.left, want-1)
}

func main() {
	println(depth(chain(150), 150))
}
