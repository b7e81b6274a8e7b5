module example.com/index_out_of_range

go 1.25
