module example.com/deep_stack

go 1.25
