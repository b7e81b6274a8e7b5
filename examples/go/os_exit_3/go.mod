module example.com/os_exit_3

go 1.25
