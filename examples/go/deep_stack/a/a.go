// Package a is the outer layer of the deep call chain.
package a

import "example.com/deep_stack/b"

// Level1 calls Level2.
func Level1(d []int) int {
	return Level2(d) + 1
}

// Level2 calls Level3.
func Level2(d []int) int {
	return Level3(d) + 2
}

// Level3 calls Level4.
func Level3(d []int) int {
	return Level4(d) + 3
}

// Level4 calls Level5.
func Level4(d []int) int {
	return Level5(d) + 4
}

// Level5 calls Level6.
func Level5(d []int) int {
	return Level6(d) + 5
}

// Level6 calls Level7.
func Level6(d []int) int {
	return Level7(d) + 6
}

// Level7 calls Level8.
func Level7(d []int) int {
	return Level8(d) + 7
}

// Level8 calls into package b.
func Level8(d []int) int {
	return b.Step1(d) + 8
}
