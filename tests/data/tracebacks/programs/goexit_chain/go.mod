module example.com/goexit_chain

go 1.21
