package query

import (
	"context"
	"fmt"
	"sync"

	"weft.dev/kernel/fault"
)

// ReadsPerTeam bounds the history and as-of reads of one team that run at
// once in this process; more wait their turn. Reads are direct gets that
// hold nothing on the server, but each costs the server and this process
// work: the bound keeps one team's burst of reads to its own queue, so
// another team's reads start at once.
const ReadsPerTeam = 4

// teamSlots is a semaphore per team, made on a team's first read and
// dropped when its last read ends.
type teamSlots struct {
	per   int
	mu    sync.Mutex
	teams map[string]*slot
}

type slot struct {
	sem   chan struct{}
	users int // reads holding or waiting for the semaphore
}

func newTeamSlots(per int) *teamSlots {
	return &teamSlots{per: per, teams: map[string]*slot{}}
}

// acquire waits for one of team's slots; release gives it back. It fails
// only when ctx ends first.
func (t *teamSlots) acquire(ctx context.Context, team string) (release func(), err error) {
	t.mu.Lock()
	s := t.teams[team]
	if s == nil {
		s = &slot{sem: make(chan struct{}, t.per)}
		t.teams[team] = s
	}
	s.users++
	t.mu.Unlock()
	done := func() {
		t.mu.Lock()
		if s.users--; s.users == 0 {
			delete(t.teams, team)
		}
		t.mu.Unlock()
	}
	select {
	case s.sem <- struct{}{}:
		return func() { <-s.sem; done() }, nil
	case <-ctx.Done():
		done()
		return nil, &fault.Error{Code: fault.Unavailable, Msg: fmt.Sprintf("too many audit reads of team %q at once; try again", team)}
	}
}
