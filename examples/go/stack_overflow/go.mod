module example.com/stack_overflow

go 1.25
