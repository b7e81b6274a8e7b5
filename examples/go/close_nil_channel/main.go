// Command close_nil_channel demonstrates "close of nil channel".
package main

import "fmt"

type worker struct {
	done chan struct{}
}

func (w *worker) stop() {
	close(w.done)
}

func main() {
	w := &worker{} // done was never made
	fmt.Println("stopping worker")
	w.stop()
}
