module example.com/self_sigabrt

go 1.22
