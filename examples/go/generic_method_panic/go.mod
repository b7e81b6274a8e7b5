module example.com/generic_method_panic

go 1.22
