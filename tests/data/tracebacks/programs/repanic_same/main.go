// Command repanic_same recovers a panic and panics again with the very same
// value; Go 1.25+ prints it once as "[recovered, repanicked]".
package main

import "errors"

var errBad = errors.New("bad input: 42")

func check() {
	defer func() {
		if r := recover(); r != nil {
			panic(r)
		}
	}()
	panic(errBad)
}

func main() {
	check()
}
