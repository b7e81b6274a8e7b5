module example.com/race_struct_field

go 1.22
