module example.com/close_nil_channel

go 1.25
