module example.com/thirdparty_vendor

go 1.25

require example.org/retry v1.0.0
