module example.com/cgo_spin_sigquit

go 1.21
