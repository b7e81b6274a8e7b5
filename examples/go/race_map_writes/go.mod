module example.com/race_map_writes

go 1.22
