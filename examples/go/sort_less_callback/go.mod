module example.com/sort_less_callback

go 1.25
