module example.com/many_goroutines

go 1.25
