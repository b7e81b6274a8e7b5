// loadConfig calls C code that calls abort(): the C frame is named by the instruction before its return address.
package main

/*
#include <stdlib.h>
#include <stdio.h>

__attribute__((noinline)) static void check_config(int ok) {
	if (!ok) {
		fprintf(stderr, "config check failed\n");
		abort();
	}
}
*/
import "C"

func loadConfig() {
	C.check_config(0)
}

func main() {
	loadConfig()
}
