module example.com/json_unmarshaler_callback

go 1.25
