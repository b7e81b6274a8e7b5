// Package pool runs a pool of idle workers.
package pool

import "sync"

// Pool is a set of parked workers.
type Pool struct {
	stop  chan struct{}
	n     int
	stats map[string]int
}

func worker(ready *sync.WaitGroup, stop <-chan struct{}) {
	ready.Done()
	<-stop
}

// Start launches n workers and returns once all of them are running.
func Start(n int) *Pool {
	p := &Pool{stop: make(chan struct{}), n: n}
	var ready sync.WaitGroup
	ready.Add(n)
	for i := 0; i < n; i++ {
		go worker(&ready, p.stop)
	}
	ready.Wait()
	return p
}

// Size returns the number of workers.
func (p *Pool) Size() int { return p.n }

// Record stores a statistic; p.stats was never initialized.
func (p *Pool) Record(key string, v int) {
	p.stats[key] = v
}
