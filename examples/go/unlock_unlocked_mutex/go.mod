module example.com/unlock_unlocked_mutex

go 1.25
