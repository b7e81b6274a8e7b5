module example.com/deep_recursion

go 1.22
