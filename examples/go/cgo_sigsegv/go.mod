module example.com/cgo_sigsegv

go 1.25
