// Command racy holds the data races the recordings under tests/data/races are made of, one per
// mode (the first argument); scripts/record/record_races.py builds it with -race under each Go
// toolchain and keeps its stderr. Every goroutine takes its values as arguments, so Go versions
// before 1.22 (one loop variable shared by every iteration) race on nothing else.
package main

import (
	"fmt"
	"os"
	"sync"
	"time"
)

type account struct {
	balance int
}

// deposit writes a.balance without a lock.
func (a *account) deposit(n int) {
	a.balance += n
}

// field: two goroutines update one struct field.
func field() {
	a := &account{}
	var wg sync.WaitGroup
	for i := 1; i <= 2; i++ {
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			a.deposit(n)
		}(i)
	}
	wg.Wait()
	fmt.Println("balance", a.balance)
}

var inventory = map[string]int{}

// stock writes the shared map.
func stock(item string, n int) {
	inventory[item] = n
}

// maps: two goroutines write one map (too few writes for the runtime to catch them).
func maps() {
	var wg sync.WaitGroup
	for i, item := range []string{"apple", "pear"} {
		wg.Add(1)
		go func(item string, n int) {
			defer wg.Done()
			stock(item, n)
		}(item, i)
	}
	wg.Wait()
}

var ready bool

// mainRead: the main goroutine reads what a goroutine it started writes ("by main goroutine").
func mainRead() {
	go func() {
		ready = true
	}()
	time.Sleep(50 * time.Millisecond)
	if ready {
		fmt.Println("ready")
	}
}

// interleaved: several races between lines the program prints.
func interleaved() {
	var wg sync.WaitGroup
	counters := make([]int, 3)
	for round := 0; round < 3; round++ {
		fmt.Printf("round %d starting\n", round)
		fmt.Fprintf(os.Stderr, "log: round %d\n", round)
		for w := 0; w < 2; w++ {
			wg.Add(1)
			go func(slot int) {
				defer wg.Done()
				counters[slot]++
				fmt.Fprintf(os.Stderr, "log: worker done with slot %d\n", slot)
			}(round)
		}
		wg.Wait()
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Fprintln(os.Stderr, "log: totting up")
	go func() {
		total = counters[0] + counters[1] + counters[2]
	}()
	time.Sleep(50 * time.Millisecond)
	fmt.Fprintln(os.Stderr, "log: total", total)
}

var total int

func main() {
	modes := map[string]func(){"field": field, "maps": maps, "main": mainRead, "interleaved": interleaved}
	run, ok := modes[os.Args[1]]
	if !ok {
		fmt.Fprintln(os.Stderr, "usage: racy field|maps|main|interleaved")
		os.Exit(2)
	}
	run()
}
