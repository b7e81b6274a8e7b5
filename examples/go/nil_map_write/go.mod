module example.com/nil_map_write

go 1.25
