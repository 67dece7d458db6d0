package query

import (
	"context"
	"testing"
	"time"
)

// A team holding all its read slots makes its next read wait, not another
// team's; a slot given back lets the waiting read in, and a team with no
// read left is forgotten.
func TestOneTeamsReadsWaitForItsOwnSlotsOnly(t *testing.T) {
	s := newTeamSlots(2)
	ctx := context.Background()
	var held []func()
	for range 2 {
		release, err := s.acquire(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, release)
	}
	waiting := make(chan func())
	go func() {
		release, err := s.acquire(ctx, "acme")
		if err != nil {
			t.Error(err)
		}
		waiting <- release
	}()
	other, err := s.acquire(ctx, "globex")
	if err != nil {
		t.Fatalf("another team's read waited: %v", err)
	}
	other()
	select {
	case <-waiting:
		t.Fatal("a third read of acme ran with two slots held")
	case <-time.After(50 * time.Millisecond): // checking that nothing happens
	}
	held[0]()
	third := <-waiting
	third()
	held[1]()
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	r1, _ := s.acquire(ctx, "acme")
	r2, _ := s.acquire(ctx, "acme")
	if _, err := s.acquire(short, "acme"); err == nil {
		t.Fatal("a read whose context ended got a slot")
	}
	r1()
	r2()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.teams) != 0 {
		t.Errorf("%d teams kept with no read running", len(s.teams))
	}
}
