// Package ranking orders players by score.
package ranking

import "sort"

// Stats holds a player's statistics.
type Stats struct {
	Score int
}

// Player is a named player with optional stats.
type Player struct {
	Name  string
	Stats *Stats
}

// Sort orders players by descending score.
func Sort(ps []Player) {
	sort.Slice(ps, func(i, j int) bool {
		return ps[i].Stats.Score > ps[j].Stats.Score
	})
}
