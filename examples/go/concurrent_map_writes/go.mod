module example.com/concurrent_map_writes

go 1.25
