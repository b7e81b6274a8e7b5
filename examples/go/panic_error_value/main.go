// Command panic_error_value demonstrates a panic whose value is an error:
// config.MustLoad wraps a sentinel error with fmt.Errorf and calls panic(err).
package main

import (
	"fmt"

	"example.com/panic_error_value/config"
)

func main() {
	fmt.Println("loading configuration")
	cfg := config.MustLoad("app.conf")
	fmt.Println("loaded", cfg.Name)
}
