module example.com/goroutine_panic

go 1.25
