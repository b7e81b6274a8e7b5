module example.com/waiting_locked

go 1.21
