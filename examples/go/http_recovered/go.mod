module example.com/http_recovered

go 1.22
