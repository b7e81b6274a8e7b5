module example.com/repanic_in_defer

go 1.25
