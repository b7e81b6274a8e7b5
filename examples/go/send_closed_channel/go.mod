module example.com/send_closed_channel

go 1.25
