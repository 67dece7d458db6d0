package messageoffice

import (
	"slices"
	"strings"
	"testing"

	"weft.dev/events"
	"weft.dev/events/clusterstate"
	infra "weft.dev/services/infra/domain"
)

// The fold on its own, with no NATS: it says which events change a team's
// topology (a report for a cluster it does not know, or a mode reported
// again, changes nothing, so nothing is written), and the team-wide
// entries computed from it follow each change.
func TestTheFoldChangesOnlyWhatAnEventConcernsAndTheEntriesFollowIt(t *testing.T) {
	const keyA, keyD, keyD2 = "3P1jmW5v0fn3Wy2u3Rw0sGsdcJLmPK3FWR1H8rXmKTE=", "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=", "q9EqR8Fz5qXl0m1f3vC0eJtq0o1m7b0l1oZ5b7w2e1Y="
	ev := func(seq uint64, id string, data any) events.Recorded {
		r := events.Recorded{Seq: seq, Data: data}
		r.Team, r.Aggregate = "acme", events.AggregateRef{ID: id}
		return r
	}
	tests := []struct {
		name    string
		event   events.Recorded
		changed bool
		peers   []string // the team's peers with a key, after the event
	}{
		{"a gateway report for an unknown cluster", ev(1, "c9", infra.ClusterGatewayReported{ID: "c9", PublicKey: keyA}), false, nil},
		{"a cluster", ev(2, "c1", infra.ClusterCreated{ID: "c1", Name: "eu", GatewayIP: "100.64.0.1", ServiceRange: "100.80.0.0/24"}), true, nil},
		{"its gateway's key", ev(3, "c1", infra.ClusterGatewayReported{ID: "c1", PublicKey: keyA, Endpoint: "192.0.2.1:51820"}), true, []string{"c1"}},
		{"Kubernetes mode", ev(4, "c1", infra.ClusterKubernetesReported{ID: "c1", Version: "v1.33.0"}), true, []string{"c1"}},
		{"the same mode again", ev(5, "c1", infra.ClusterKubernetesReported{ID: "c1", Version: "v1.33.0"}), false, []string{"c1"}},
		{"a key rotated for an unknown device", ev(6, "d9", infra.DeviceKeyRotated{ID: "d9", PublicKey: keyD2}), false, []string{"c1"}},
		{"a device", ev(7, "d1", infra.DeviceCreated{ID: "d1", Name: "laptop", Owner: "u1", IP: "100.64.0.9", PublicKey: keyD}), true, []string{"c1", "d1"}},
		{"its key rotated", ev(8, "d1", infra.DeviceKeyRotated{ID: "d1", PublicKey: keyD2}), true, []string{"c1", "d1"}},
		{"the cluster deleted", ev(9, "c1", infra.ClusterDeleted{ID: "c1", Name: "eu"}), true, []string{"d1"}},
		{"a report after its deletion", ev(10, "c1", infra.ClusterGatewayReported{ID: "c1", PublicKey: keyA}), false, []string{"d1"}},
	}
	topo := NewTopology()
	for _, tt := range tests {
		if got := topo.Apply(tt.event); got != tt.changed {
			t.Fatalf("%s: changed = %v, want %v", tt.name, got, tt.changed)
		}
		tm := topo.Teams["acme"]
		es, err := sharedEntries(tm, DefaultZone)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var peers []string
		for _, e := range es {
			if e.kind == clusterstate.KindPeer {
				peers = append(peers, e.id)
			}
		}
		slices.Sort(peers)
		if !slices.Equal(peers, tt.peers) {
			t.Fatalf("%s: peers %v, want %v", tt.name, peers, tt.peers)
		}
		// What the writer compares after a change of the device's key is
		// its peer, whose value is the fold's now.
		if tt.event.Seq == 8 {
			if !slices.Contains(changedShared(tt.event, tm), [2]string{clusterstate.KindPeer, "d1"}) {
				t.Fatalf("%s: the writer would not compare the device's peer: %v", tt.name, changedShared(tt.event, tm))
			}
			e, ok, err := sharedEntry(tm, DefaultZone, clusterstate.KindPeer, "d1")
			if err != nil || !ok || !strings.Contains(string(e.data), keyD2) {
				t.Fatalf("%s: the device's peer entry %s (%v, %v) lacks the new key", tt.name, e.data, ok, err)
			}
		}
	}
}
