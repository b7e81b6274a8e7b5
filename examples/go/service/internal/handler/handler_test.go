package handler

import (
	"sync"
	"testing"
	"time"
)

func TestServe(t *testing.T) {
	if got := Serve("GET /orders/7"); got != "ok 7" {
		t.Fatalf("Serve: got %q", got)
	}
}

func TestRoutes(t *testing.T) {
	for _, line := range []string{"GET /orders/1", "GET /orders"} {
		t.Run(line, func(t *testing.T) {
			_ = Serve(line)
		})
	}
}

func TestParallelWorkers(t *testing.T) {
	t.Run("worker", func(t *testing.T) {
		t.Parallel()
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			var m map[int]int
			m[1] = 1 // panics: Done is never reached, so the subtest waits until the program dies
			wg.Done()
		}()
		wg.Wait()
	})
}

func TestSlowBackend(t *testing.T) {
	reply := make(chan string)
	waitForBackend(reply)
	time.Sleep(time.Millisecond)
}

func waitForBackend(reply chan string) string {
	return <-reply
}

func TestStatus(t *testing.T) {
	if got, want := statusOf(404), "Not Found"; got != want {
		t.Errorf("statusOf(404) = %q, want %q", got, want)
	}
	t.Fatal("cannot go on without a status")
}

func statusOf(code int) string {
	return "Unknown"
}
