// Package wire parses the service's tiny request format.
package wire

import "strings"

// Request is a parsed request line.
type Request struct {
	Method string
	Path   []string
}

// Parse splits "METHOD /a/b" into its parts.
func Parse(line string) Request {
	method, path, _ := strings.Cut(line, " ")
	return Request{Method: method, Path: strings.Split(strings.Trim(path, "/"), "/")}
}
