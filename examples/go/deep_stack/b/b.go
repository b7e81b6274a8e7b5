// Package b is the middle layer of the deep call chain.
package b

import "example.com/deep_stack/c"

// Step1 calls Step2.
func Step1(d []int) int {
	return Step2(d) * 2
}

// Step2 calls Step3.
func Step2(d []int) int {
	return Step3(d) * 3
}

// Step3 calls Step4.
func Step3(d []int) int {
	return Step4(d) * 4
}

// Step4 calls Step5.
func Step4(d []int) int {
	return Step5(d) * 5
}

// Step5 calls Step6.
func Step5(d []int) int {
	return Step6(d) * 6
}

// Step6 calls Step7.
func Step6(d []int) int {
	return Step7(d) * 7
}

// Step7 calls Step8.
func Step7(d []int) int {
	return Step8(d) * 8
}

// Step8 calls into package c.
func Step8(d []int) int {
	return c.Validate(d)
}
