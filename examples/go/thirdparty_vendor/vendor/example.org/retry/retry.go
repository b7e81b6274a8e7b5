// Package retry calls a function until it succeeds.
package retry

import "time"

// Attempts is the maximum number of calls made by Do.
const Attempts = 3

// Do calls fn until it returns nil or Attempts calls have failed, and
// returns the last error.
func Do(fn func() error) error {
	var err error
	for i := 0; i < Attempts; i++ {
		if err = fn(); err == nil {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return err
}
