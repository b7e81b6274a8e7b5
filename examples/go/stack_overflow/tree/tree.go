// Package tree provides parent-linked nodes.
package tree

// Node is a tree node linked to its parent.
type Node struct {
	Name   string
	Parent *Node
}

// Depth returns the number of ancestors of n.
func (n *Node) Depth() int {
	if n.Parent == nil {
		return 0
	}
	return 1 + n.Parent.Depth()
}
