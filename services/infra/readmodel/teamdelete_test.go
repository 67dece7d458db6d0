package readmodel_test

import (
	"bytes"
	"testing"
	"time"

	"weft.dev/events/event"
	accounts "weft.dev/services/accounts/domain"
	"weft.dev/services/infra/domain"
	"weft.dev/services/infra/readmodel"
)

// A deleted team's clusters, devices and addresses leave the model: it is
// byte for byte the one that never saw the team; another team's stay.
func TestADeletedTeamIsForgottenAndAnotherTeamKept(t *testing.T) {
	seq := uint64(0)
	apply := func(m *readmodel.Model, team, aggType, id string, data any) {
		t.Helper()
		seq++
		if err := m.Apply(event.Recorded{Seq: seq, Data: data, Meta: event.Meta{Team: team, Actor: "user:ada",
			Time: time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC), Aggregate: event.AggregateRef{Type: aggType, ID: id}}}); err != nil {
			t.Fatal(err)
		}
	}
	both, alone := readmodel.New(), readmodel.New()
	apply(both, "acme", "network", "net", domain.AddressAllocated{IP: "100.64.0.1", OwnerKind: "cluster", OwnerID: "c1"})
	apply(both, "acme", "cluster", "c1", domain.ClusterCreated{ID: "c1", Name: "eu-1", GatewayIP: "100.64.0.1", ServiceRange: "100.80.0.0/16"})
	apply(both, "acme", "device", "d1", domain.DeviceCreated{ID: "d1", Name: "laptop", IP: "100.64.0.2", PublicKey: key})
	for _, m := range []*readmodel.Model{both, alone} {
		seq = 100
		apply(m, "globex", "cluster", "g1", domain.ClusterCreated{ID: "g1", Name: "eu-1", GatewayIP: "100.64.0.1", ServiceRange: "100.80.0.0/16"})
	}
	if !both.Handles("accounts.team.deleted") {
		t.Fatal("the model does not ask for accounts.team.deleted")
	}
	apply(both, "acme", accounts.TeamAggregate, "acme", accounts.TeamDeleted{Slug: "acme"})
	a, _ := both.Snapshot()
	b, _ := alone.Snapshot()
	if !bytes.Equal(a, b) {
		t.Errorf("after the deletion the model is not the one that never saw the team:\n%s\n%s", a, b)
	}
}
