module example.com/broken_frame_pointer

go 1.25
