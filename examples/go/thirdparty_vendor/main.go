// Command thirdparty_vendor demonstrates a panic in a user callback that is
// invoked by a vendored third-party library (example.org/retry.Do): the
// callback indexes past the end of a slice on its third attempt.
package main

import (
	"errors"
	"fmt"

	"example.org/retry"
)

var servers = []string{"alpha", "beta"}

func main() {
	attempt := 0
	err := retry.Do(func() error {
		server := servers[attempt]
		attempt++
		fmt.Println("trying", server)
		return errors.New("connection refused")
	})
	fmt.Println("result:", err)
}
