package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"weft.dev/events/clusterstate"
	"weft.dev/kernel/wait"
	"weft.dev/kernel/watermark"
)

// state.json holds every applied entry under its kind and id, as the
// readers (the DNS plugin's state source, the e2e tests, operators)
// decode it, in both modes; an entry that is not JSON leaves the last
// good file in place.
func TestStateJSONHoldsEveryEntryByKindAndID(t *testing.T) {
	state := map[string][]byte{
		clusterstate.Key(clusterstate.KindSelf, "self"):     []byte(`{"address":"100.64.0.1/32"}`),
		clusterstate.Key(clusterstate.KindPeer, "p2"):       []byte(`{"publicKey":"k2"}`),
		clusterstate.Key(clusterstate.KindPeer, "p1"):       []byte(`{"publicKey":"k1","allowedIps":["100.64.0.9/32"]}`),
		clusterstate.Key(clusterstate.KindRoute, "r1"):      []byte(`{"serviceIp":"100.80.0.1"}`),
		clusterstate.Key(clusterstate.KindDNS, "n1"):        []byte(`{"name":"a.prod.acme.weft.internal","ip":"100.80.0.1"}`),
		clusterstate.Key(clusterstate.KindWorkload, "w1"):   []byte(`{"name":"api"}`),
		clusterstate.Key(clusterstate.KindNamespace, "ns1"): []byte(`{"name":"prod"}`),
	}
	want := func(kube bool) map[string]any {
		m := map[string]any{
			"applied": 42.0,
			"self":    map[string]any{"address": "100.64.0.1/32"},
			"peers": map[string]any{
				"p1": map[string]any{"publicKey": "k1", "allowedIps": []any{"100.64.0.9/32"}},
				"p2": map[string]any{"publicKey": "k2"},
			},
			"routes":  map[string]any{"r1": map[string]any{"serviceIp": "100.80.0.1"}},
			"records": map[string]any{"n1": map[string]any{"name": "a.prod.acme.weft.internal", "ip": "100.80.0.1"}},
		}
		if kube {
			m["kubernetes"] = map[string]any{
				"namespaces": map[string]any{"ns1": map[string]any{"name": "prod"}},
				"workloads":  map[string]any{"w1": map[string]any{"name": "api"}},
				"exports":    map[string]any{},
				"imports":    map[string]any{},
			}
		}
		return m
	}
	dir := t.TempDir()
	for _, kube := range []bool{false, true} {
		if err := saveState(dir, 42, state, kube); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "state.json"))
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("kube %v: state.json is not JSON: %v\n%s", kube, err, b)
		}
		if !reflect.DeepEqual(got, want(kube)) {
			t.Fatalf("kube %v: state.json\n%s\ndecodes to %v\nwant %v", kube, b, got, want(kube))
		}
		// Peers in id order, one a line: a diff of two states reads.
		if i, j := strings.Index(string(b), `"p1"`), strings.Index(string(b), `"p2"`); i < 0 || j < i {
			t.Fatalf("peers not in id order:\n%s", b)
		}
	}
	before, _ := os.ReadFile(filepath.Join(dir, "state.json"))
	state[clusterstate.Key(clusterstate.KindPeer, "bad")] = []byte(`{"publicKey":`)
	if err := saveState(dir, 43, state, true); err == nil {
		t.Fatal("an entry that is not JSON was written")
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "state.json")); string(after) != string(before) {
		t.Fatal("a failed write replaced state.json")
	}
}

// changingAgent is the part of a converge.Agent dumpState reads, driven
// by the test: its Changes move while its Applied may stay.
type changingAgent struct {
	mu      sync.Mutex
	applied uint64
	changes uint64
	state   map[string][]byte
	mark    *watermark.Mark
}

func (a *changingAgent) WaitForChanges(ctx context.Context, n uint64) error {
	return a.mark.WaitFor(ctx, n)
}
func (a *changingAgent) Changes() uint64 { a.mu.Lock(); defer a.mu.Unlock(); return a.changes }
func (a *changingAgent) Applied() uint64 { a.mu.Lock(); defer a.mu.Unlock(); return a.applied }
func (a *changingAgent) State() map[string][]byte {
	a.mu.Lock()
	defer a.mu.Unlock()
	return maps.Clone(a.state)
}

func (a *changingAgent) set(key string, v []byte, applied uint64) {
	a.mu.Lock()
	a.state[key] = v
	a.applied = max(a.applied, applied)
	a.changes++
	n := a.changes
	a.mu.Unlock()
	a.mark.Advance(n)
}

// state.json follows every change the agent applies, also one whose event
// is older than the last applied from the other stream (so the applied
// sequence does not move): the chaos test saw a file that kept routes the
// agent had long removed.
func TestStateJSONFollowsAChangeThatLeavesTheAppliedSequenceWhereItWas(t *testing.T) {
	dir := t.TempDir()
	a := &changingAgent{state: map[string][]byte{}, mark: watermark.New("test")}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { dumpState(ctx, a, dir, false, slog.New(slog.DiscardHandler)); close(done) }()
	defer func() { cancel(); <-done }()

	routes := func() (map[string]any, error) {
		b, err := os.ReadFile(filepath.Join(dir, "state.json"))
		if err != nil {
			return nil, err
		}
		var doc struct {
			Routes map[string]any `json:"routes"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, err
		}
		return doc.Routes, nil
	}
	a.set(clusterstate.Key(clusterstate.KindPeer, "p1"), []byte(`{"publicKey":"k1"}`), 10)
	a.set(clusterstate.Key(clusterstate.KindRoute, "r1"), []byte(`{"serviceIp":"100.80.0.1"}`), 10)
	wait.For(t, 10*time.Second, func() error {
		if r, err := routes(); err != nil || len(r) != 1 {
			return fmt.Errorf("routes %v (%v), want r1", r, err)
		}
		return nil
	})
	time.Sleep(1500 * time.Millisecond) // the file is settled: a second look was taken
	a.set(clusterstate.Key(clusterstate.KindRoute, "r2"), []byte(`{"serviceIp":"100.80.0.2"}`), 7)
	wait.For(t, 10*time.Second, func() error {
		if r, err := routes(); err != nil || len(r) != 2 {
			return fmt.Errorf("routes %v (%v), want r1 and r2", r, err)
		}
		return nil
	})
}
