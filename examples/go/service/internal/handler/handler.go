// Package handler answers requests.
package handler

import (
	"example.com/service/internal/store"
	"example.com/service/pkg/wire"
)

var orders store.Orders // never made with store.New: its map is nil

// Serve answers one request line.
func Serve(line string) string {
	req := wire.Parse(line)
	id := req.Path[1]
	orders.Add(id, len(req.Path))
	return "ok " + id
}
