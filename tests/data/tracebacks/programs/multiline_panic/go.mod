module example.com/multiline_panic

go 1.21
