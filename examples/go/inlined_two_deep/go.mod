module example.com/inlined_two_deep

go 1.25
