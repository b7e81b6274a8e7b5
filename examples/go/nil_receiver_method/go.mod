module example.com/nil_receiver_method

go 1.25
