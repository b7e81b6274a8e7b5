// A generic stack's Pop on an empty stack indexes out of range.
package main

import "fmt"

// Stack is a last-in, first-out stack of any type.
type Stack[T any] struct {
	items []T
}

// Push adds v on top.
func (s *Stack[T]) Push(v T) { s.items = append(s.items, v) }

// Pop removes and returns the top item; it does not check for an empty stack.
func (s *Stack[T]) Pop() T {
	v := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return v
}

func main() {
	var names Stack[string]
	names.Push("a")
	fmt.Println(names.Pop())
	fmt.Println(names.Pop())
}
