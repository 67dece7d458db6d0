package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"weft.dev/events/clusterstate"
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
