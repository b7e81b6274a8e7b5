// Command svc serves one request from its command line and crashes on a bad one.
package main

import (
	"fmt"
	"os"

	"example.com/service/internal/handler"
)

func main() {
	req := "GET /orders/7"
	if len(os.Args) > 1 {
		req = os.Args[1]
	}
	fmt.Println(handler.Serve(req))
}
