module example.com/panic_chain

go 1.22
