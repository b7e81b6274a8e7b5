module example.com/repanic_same

go 1.21
