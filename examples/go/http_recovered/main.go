// A handler panics and net/http recovers it; a guarded call recovers its own panic and prints debug.Stack.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime/debug"
)

type handler struct{}

func lookup(ids map[string]int, key string) int {
	var cache map[string]int
	cache[key] = ids[key]
	return cache[key]
}

func (handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, lookup(nil, r.URL.Path))
}

func guarded() {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "recovered: %v\n%s", r, debug.Stack())
		}
	}()
	var p *int
	_ = *p
}

func main() {
	guarded()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go http.Serve(ln, handler{})
	resp, err := http.Get("http://" + ln.Addr().String() + "/x")
	if err == nil {
		resp.Body.Close()
	}
	fmt.Println("served")
}
