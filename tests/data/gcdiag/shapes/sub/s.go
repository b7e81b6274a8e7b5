// Package subby (in folder sub) has methods, a generic function, a closure and
// a function the compiler refuses to inline, to record how -m=2 names them.
package subby

// T is a counter.
type T struct{ n int }

// Get indexes i with the counter.
func (t *T) Get(i []int) int { return i[t.n] }

// Val returns the counter.
func (t T) Val() int { return t.n }

// G is the identity.
func G[X any](x X) X { return x }

// Big holds a defer, which the inliner does not handle.
func Big(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	defer func() { s++ }()
	return s
}

// Even and Odd call each other: a recursive cycle.
func Even(n int) bool {
	return n == 0 || Odd(n-1)
}

// Odd is Even's partner.
func Odd(n int) bool {
	return n != 0 && Even(n-1)
}
