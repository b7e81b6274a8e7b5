// Command sort_less_callback demonstrates a panic inside a sort.Slice less
// function: one player has a nil *Stats and less dereferences it.
package main

import (
	"fmt"

	"example.com/sort_less_callback/ranking"
)

func main() {
	players := []ranking.Player{
		{Name: "ann", Stats: &ranking.Stats{Score: 7}},
		{Name: "bob"}, // no stats yet
		{Name: "cid", Stats: &ranking.Stats{Score: 3}},
	}
	ranking.Sort(players)
	fmt.Println(players)
}
