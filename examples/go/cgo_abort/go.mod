module example.com/cgo_abort

go 1.22
