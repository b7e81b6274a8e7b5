module example.com/clean_exit

go 1.25
