module example.com/panic_error_value

go 1.25
