package command_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/infra/command"
	"weft.dev/services/infra/domain"
	"weft.dev/services/infra/readmodel"
)

func TestDuplicateNamesAreRefusedWithConflict(t *testing.T) {
	h := setup(t)
	c := h.cluster(admin, "east")
	d := h.device(member, "laptop")
	before := h.lastSeq()
	_, err := h.h.CreateCluster(h.ctx, owner, command.CreateClusterInput{Team: "acme", Name: "east"})
	wantFault(t, err, fault.Conflict, "")
	_, err = h.h.CreateDevice(h.ctx, other, command.CreateDeviceInput{Team: "acme", Name: "laptop", PublicKey: key2})
	wantFault(t, err, fault.Conflict, "")
	_, err = h.h.CreateDevice(h.ctx, other, command.CreateDeviceInput{Team: "acme", Name: "laptop", Kind: domain.KindWorkspace, PublicKey: key2})
	wantFault(t, err, fault.Conflict, "")
	if got := h.lastSeq(); got != before {
		t.Fatalf("refused creations appended: last seq %d → %d", before, got)
	}
	// Names are per kind and per team: a device may be called like a
	// cluster, and another team may use both names.
	h.device(member, "east")
	h.cluster(rival, "east")
	h.device(rival, "laptop")

	// Of ten concurrent creators of one name exactly one wins.
	var wins, conflicts atomic.Int32
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := h.h.CreateDevice(h.ctx, member, command.CreateDeviceInput{Team: "acme", Name: "race", PublicKey: newKey(t)})
			switch {
			case err == nil:
				wins.Add(1)
			case fault.CodeOf(err) == fault.Conflict:
				conflicts.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 || conflicts.Load() != 9 {
		t.Fatalf("%d wins, %d conflicts", wins.Load(), conflicts.Load())
	}
	// A deleted resource's name is free again.
	if _, err := h.h.DeleteCluster(h.ctx, admin, command.ClusterInput{Team: "acme", ID: c.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.h.DeleteDevice(h.ctx, member, command.DeviceInput{Team: "acme", ID: d.ID}); err != nil {
		t.Fatal(err)
	}
	h.cluster(admin, "east")
	h.device(other, "laptop")
	checkLogNeverDoubleAllocates(t, h.ctx, h.store, "acme")
}

func TestBadInputIsRefusedNamingTheFieldAndAppendsNothing(t *testing.T) {
	h := setup(t)
	c := h.cluster(admin, "east")
	d := h.device(member, "laptop")
	tests := []struct {
		name  string
		run   func() error
		field string
	}{
		{"cluster name with capitals", func() error {
			_, err := h.h.CreateCluster(h.ctx, admin, command.CreateClusterInput{Team: "acme", Name: "East"})
			return err
		}, "name"},
		{"empty cluster name", func() error {
			_, err := h.h.CreateCluster(h.ctx, admin, command.CreateClusterInput{Team: "acme"})
			return err
		}, "name"},
		{"device name with a dot", func() error {
			_, err := h.h.CreateDevice(h.ctx, member, command.CreateDeviceInput{Team: "acme", Name: "my.laptop", PublicKey: key1})
			return err
		}, "name"},
		{"device name too long", func() error {
			_, err := h.h.CreateDevice(h.ctx, member, command.CreateDeviceInput{Team: "acme", Name: strings.Repeat("a", 64), PublicKey: key1})
			return err
		}, "name"},
		{"device key not base64", func() error {
			_, err := h.h.CreateDevice(h.ctx, member, command.CreateDeviceInput{Team: "acme", Name: "pc", PublicKey: "not a key"})
			return err
		}, "publicKey"},
		{"device key of the wrong length", func() error {
			_, err := h.h.CreateDevice(h.ctx, member, command.CreateDeviceInput{Team: "acme", Name: "pc", PublicKey: "AAAA"})
			return err
		}, "publicKey"},
		{"missing device key", func() error {
			_, err := h.h.CreateDevice(h.ctx, member, command.CreateDeviceInput{Team: "acme", Name: "pc"})
			return err
		}, "publicKey"},
		{"unknown device kind", func() error {
			_, err := h.h.CreateDevice(h.ctx, member, command.CreateDeviceInput{Team: "acme", Name: "pc", Kind: "phone", PublicKey: key1})
			return err
		}, "kind"},
		{"rotate to a bad key", func() error {
			_, err := h.h.RotateDeviceKey(h.ctx, member, command.RotateDeviceKeyInput{Team: "acme", ID: d.ID, PublicKey: key1[:40]})
			return err
		}, "publicKey"},
		{"device id with a subject wildcard", func() error {
			_, err := h.h.DeleteDevice(h.ctx, member, command.DeviceInput{Team: "acme", ID: "a.>"})
			return err
		}, "id"},
		{"gateway key bad", func() error {
			_, err := h.h.ReportGateway(h.ctx, agent, command.ReportGatewayInput{Team: "acme", ClusterID: c.ID, PublicKey: "x", Endpoint: "gw.example.com:51820"})
			return err
		}, "publicKey"},
		{"gateway endpoint without port", func() error {
			_, err := h.h.ReportGateway(h.ctx, agent, command.ReportGatewayInput{Team: "acme", ClusterID: c.ID, PublicKey: key1, Endpoint: "gw.example.com"})
			return err
		}, "endpoint"},
		{"gateway endpoint port out of range", func() error {
			_, err := h.h.ReportGateway(h.ctx, agent, command.ReportGatewayInput{Team: "acme", ClusterID: c.ID, PublicKey: key1, Endpoint: "1.2.3.4:70000"})
			return err
		}, "endpoint"},
		{"gateway endpoint with a bad host", func() error {
			_, err := h.h.ReportGateway(h.ctx, agent, command.ReportGatewayInput{Team: "acme", ClusterID: c.ID, PublicKey: key1, Endpoint: "bad host:51820"})
			return err
		}, "endpoint"},
		{"system principal naming a bad team", func() error {
			_, err := h.h.ReportGateway(h.ctx, agent, command.ReportGatewayInput{Team: "ac.me", ClusterID: c.ID, PublicKey: key1, Endpoint: "1.2.3.4:1"})
			return err
		}, "team"},
		{"empty enrolment secret", func() error {
			_, err := h.h.Enrol(h.ctx, agent, command.EnrolInput{Team: "acme", ClusterID: c.ID})
			return err
		}, "secret"},
		{"missing cluster id", func() error {
			_, err := h.h.RotateEnrolmentSecret(h.ctx, admin, command.ClusterInput{Team: "acme"})
			return err
		}, "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := h.lastSeq()
			wantFault(t, tt.run(), fault.Invalid, tt.field)
			if got := h.lastSeq(); got != before {
				t.Fatalf("refused command appended: last seq %d → %d", before, got)
			}
		})
	}
}

func TestAUserOfAnotherTeamSeesAndChangesNothing(t *testing.T) {
	h := setup(t)
	c := h.cluster(admin, "east")
	d := h.device(member, "laptop")
	h.device(rival, "theirs")
	before := h.lastSeq()
	attempts := map[string]func() error{
		"create cluster": func() error {
			_, err := h.h.CreateCluster(h.ctx, rival, command.CreateClusterInput{Team: "acme", Name: "evil"})
			return err
		},
		"create device": func() error {
			_, err := h.h.CreateDevice(h.ctx, rival, command.CreateDeviceInput{Team: "acme", Name: "evil", PublicKey: newKey(t)})
			return err
		},
		"delete cluster": func() error {
			_, err := h.h.DeleteCluster(h.ctx, rival, command.ClusterInput{Team: "acme", ID: c.ID})
			return err
		},
		"delete device": func() error {
			_, err := h.h.DeleteDevice(h.ctx, rival, command.DeviceInput{Team: "acme", ID: d.ID})
			return err
		},
		"delete device through own team": func() error {
			_, err := h.h.DeleteDevice(h.ctx, rival, command.DeviceInput{Team: "globex", ID: d.ID})
			return err
		},
		"delete cluster through own team": func() error {
			_, err := h.h.DeleteCluster(h.ctx, rival, command.ClusterInput{Team: "globex", ID: c.ID})
			return err
		},
		"rotate device key": func() error {
			_, err := h.h.RotateDeviceKey(h.ctx, rival, command.RotateDeviceKeyInput{Team: "globex", ID: d.ID, PublicKey: key2})
			return err
		},
		"rotate enrolment secret": func() error {
			_, err := h.h.RotateEnrolmentSecret(h.ctx, rival, command.ClusterInput{Team: "globex", ID: c.ID})
			return err
		},
		"enrol": func() error {
			_, err := h.h.Enrol(h.ctx, rival, command.EnrolInput{Team: "globex", ClusterID: c.ID, Secret: c.EnrolmentSecret})
			return err
		},
		"list clusters": func() error { _, _, err := h.q.Clusters(h.ctx, rival, "acme", nil, readmodel.All, 0); return err },
		"list devices":  func() error { _, _, err := h.q.Devices(h.ctx, rival, "acme", "", readmodel.All, 0); return err },
		"network":       func() error { _, err := h.q.Network(h.ctx, rival, "acme", 0); return err },
		"cluster by name": func() error {
			_, err := h.q.Cluster(h.ctx, rival, "acme", readmodel.Ref{Name: "east"}, 0)
			return err
		},
		"device by id through own team": func() error {
			_, err := h.q.Device(h.ctx, rival, "globex", readmodel.Ref{ID: d.ID}, before)
			return err
		},
		"cluster by id through own team": func() error {
			_, err := h.q.Cluster(h.ctx, rival, "globex", readmodel.Ref{ID: c.ID}, before)
			return err
		},
	}
	for name, run := range attempts {
		t.Run(name, func(t *testing.T) {
			err := run()
			if code := fault.CodeOf(err); code != fault.NotFound && code != fault.Unauthenticated {
				t.Fatalf("err = %v (%s); want NOT_FOUND (or the enrolment refusal)", err, code)
			}
		})
	}
	if got := h.lastSeq(); got != before {
		t.Fatalf("another team's user appended: last seq %d → %d", before, got)
	}
	devs, _, err := h.q.Devices(h.ctx, rival, "globex", "", readmodel.All, before)
	if err != nil || len(devs) != 1 || devs[0].Name != "theirs" {
		t.Fatalf("globex sees %+v (%v)", devs, err)
	}
	// Each team has its own address space: both first devices start at .1
	// after their team's gateway.
	if devs[0].IP != "100.64.0.1" {
		t.Fatalf("globex's first device got %s", devs[0].IP)
	}
	cl, _, err := h.q.Clusters(h.ctx, rival, "globex", nil, readmodel.All, 0)
	if err != nil || len(cl) != 0 {
		t.Fatalf("globex sees clusters %+v (%v)", cl, err)
	}
}

func TestRolesDecideWhoChangesClustersAndDevices(t *testing.T) {
	h := setup(t)
	_, err := h.h.CreateCluster(h.ctx, member, command.CreateClusterInput{Team: "acme", Name: "east"})
	wantFault(t, err, fault.Forbidden, "")
	c := h.cluster(admin, "east")
	for name, run := range map[string]func() error{
		"member deletes a cluster": func() error {
			_, err := h.h.DeleteCluster(h.ctx, member, command.ClusterInput{Team: "acme", ID: c.ID})
			return err
		},
		"member rotates a secret": func() error {
			_, err := h.h.RotateEnrolmentSecret(h.ctx, member, command.ClusterInput{Team: "acme", ID: c.ID})
			return err
		},
		"admin reports a gateway": func() error {
			_, err := h.h.ReportGateway(h.ctx, owner, command.ReportGatewayInput{Team: "acme", ClusterID: c.ID, PublicKey: key1, Endpoint: "1.2.3.4:51820"})
			return err
		},
		"owner reports Kubernetes mode": func() error {
			_, err := h.h.ReportKubernetes(h.ctx, owner, command.ReportKubernetesInput{Team: "acme", ClusterID: c.ID, Version: "v1.37.2"})
			return err
		},
	} {
		before := h.lastSeq()
		if code := fault.CodeOf(run()); code != fault.Forbidden {
			t.Errorf("%s: %s, want FORBIDDEN", name, code)
		}
		if h.lastSeq() != before {
			t.Errorf("%s appended", name)
		}
	}

	mine := h.device(member, "mine")
	if mine.Owner != "bob" {
		t.Fatalf("owner %q, want the caller", mine.Owner)
	}
	_, err = h.h.RotateDeviceKey(h.ctx, other, command.RotateDeviceKeyInput{Team: "acme", ID: mine.ID, PublicKey: key2})
	wantFault(t, err, fault.Forbidden, "")
	_, err = h.h.DeleteDevice(h.ctx, other, command.DeviceInput{Team: "acme", ID: mine.ID})
	wantFault(t, err, fault.Forbidden, "")
	rot, err := h.h.RotateDeviceKey(h.ctx, member, command.RotateDeviceKeyInput{Team: "acme", ID: mine.ID, PublicKey: key2})
	if err != nil || rot.Object.PublicKey != key2 {
		t.Fatalf("owner rotating: %+v, %v", rot, err)
	}
	got, err := h.q.Device(h.ctx, member, "acme", readmodel.Ref{Name: "mine"}, rot.Seq)
	if err != nil || got.PublicKey != key2 {
		t.Fatalf("read model after rotation: %+v, %v", got, err)
	}
	if _, err := h.h.DeleteDevice(h.ctx, admin, command.DeviceInput{Team: "acme", ID: mine.ID}); err != nil {
		t.Fatalf("admin deleting a member's device: %v", err)
	}
	_, err = h.h.DeleteDevice(h.ctx, member, command.DeviceInput{Team: "acme", ID: mine.ID})
	wantFault(t, err, fault.NotFound, "id")
	own := h.device(other, "own")
	if _, err := h.h.DeleteDevice(h.ctx, other, command.DeviceInput{Team: "acme", ID: own.ID}); err != nil {
		t.Fatalf("member deleting their own device: %v", err)
	}
	ws, err := h.h.CreateDevice(h.ctx, member, command.CreateDeviceInput{Team: "acme", Name: "ws", Kind: domain.KindWorkspace, PublicKey: key1})
	if err != nil || ws.Object.Kind != domain.KindWorkspace {
		t.Fatalf("workspace: %+v, %v", ws, err)
	}
}

func TestEnrolmentSecretIsShownOnceStoredHashedAndSpentOnUse(t *testing.T) {
	h := setup(t)
	c := h.cluster(admin, "east")
	if len(c.EnrolmentSecret) < 40 || c.GatewayIP != "100.64.0.1" || c.ServiceRange != "100.80.0.0/20" {
		t.Fatalf("created %+v", c)
	}
	// The log holds the hash only; the secret appears nowhere.
	var hash string
	err := h.store.Replay(h.ctx, events.Filter{Team: "acme"}, func(r events.Recorded) error {
		if strings.Contains(string(r.Raw), c.EnrolmentSecret) {
			t.Errorf("event %d (%s) contains the secret", r.Seq, r.Type)
		}
		if e, ok := r.Data.(domain.ClusterCreated); ok {
			hash = e.EnrolmentSecretHash
		}
		return nil
	})
	if err != nil || hash != domain.HashSecret(c.EnrolmentSecret) {
		t.Fatalf("stored hash %q, %v", hash, err)
	}

	_, err = h.h.Enrol(h.ctx, agent, command.EnrolInput{Team: "acme", ClusterID: c.ID, Secret: c.EnrolmentSecret + "x"})
	wantFault(t, err, fault.Unauthenticated, "secret")
	_, err = h.h.Enrol(h.ctx, member, command.EnrolInput{Team: "acme", ClusterID: c.ID, Secret: c.EnrolmentSecret})
	wantFault(t, err, fault.Forbidden, "")

	// Five agents race with the same secret: exactly one enrols.
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := h.h.Enrol(h.ctx, agent, command.EnrolInput{Team: "acme", ClusterID: c.ID, Secret: c.EnrolmentSecret})
			if err == nil {
				wins.Add(1)
			} else if fault.CodeOf(err) != fault.Unauthenticated {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d enrolments with one secret", wins.Load())
	}
	_, err = h.h.Enrol(h.ctx, agent, command.EnrolInput{Team: "acme", ClusterID: c.ID, Secret: c.EnrolmentSecret})
	wantFault(t, err, fault.Unauthenticated, "secret")

	rot, err := h.h.RotateEnrolmentSecret(h.ctx, admin, command.ClusterInput{Team: "acme", ID: c.ID})
	if err != nil || rot.Object.EnrolmentSecret == c.EnrolmentSecret {
		t.Fatalf("rotate: %v", err)
	}
	res, err := h.h.Enrol(h.ctx, agent, command.EnrolInput{Team: "acme", ClusterID: c.ID, Secret: rot.Object.EnrolmentSecret})
	if err != nil || !res.Object.Enrolled {
		t.Fatalf("enrol with the rotated secret: %+v, %v", res, err)
	}

	rep, err := h.h.ReportGateway(h.ctx, agent, command.ReportGatewayInput{Team: "acme", ClusterID: c.ID, PublicKey: key1, Endpoint: "gw.example.com:51820"})
	if err != nil {
		t.Fatal(err)
	}
	again, err := h.h.ReportGateway(h.ctx, agent, command.ReportGatewayInput{Team: "acme", ClusterID: c.ID, PublicKey: key1, Endpoint: "gw.example.com:51820"})
	if err != nil || again.Seq != rep.Seq {
		t.Fatalf("an unchanged report appended (%d → %d, %v)", rep.Seq, again.Seq, err)
	}
	got, err := h.q.Cluster(h.ctx, member, "acme", readmodel.Ref{ID: c.ID}, rep.Seq)
	if err != nil || !got.Enrolled || got.PublicKey != key1 || got.Endpoint != "gw.example.com:51820" || got.EnrolledAt == nil {
		t.Fatalf("read model %+v, %v", got, err)
	}
	// Nothing a user can query carries the hash.
	for _, v := range []any{got, mustList(t, h, member), h.asOf(c.ID)} {
		b, _ := json.Marshal(v)
		if strings.Contains(string(b), hash) || strings.Contains(strings.ToLower(string(b)), "secret") {
			t.Fatalf("query result exposes the enrolment secret: %s", b)
		}
	}
}

func mustList(t *testing.T, h *harness, p auth.Principal) []readmodel.Cluster {
	t.Helper()
	l, _, err := h.q.Clusters(h.ctx, p, p.Team, nil, readmodel.All, 0)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func (h *harness) asOf(id string) any {
	v, ok := h.model.Resource("acme", events.AggregateRef{Type: domain.ClusterAggregate, ID: id})
	if !ok {
		h.t.Fatalf("no as-of cluster %s", id)
	}
	return v
}

func TestMinSeqWaitsForTheWriteAndUnknownRefsAreNotFound(t *testing.T) {
	h := setup(t)
	for i := range 5 {
		d := h.device(member, fmt.Sprintf("d%d", i))
		// Read-your-writes: with the write's seq the device is there at once.
		if _, err := h.q.Device(h.ctx, member, "acme", readmodel.Ref{ID: d.ID}, h.lastSeq()); err != nil {
			t.Fatal(err)
		}
	}
	_, err := h.q.Device(h.ctx, member, "acme", readmodel.Ref{Name: "nope"}, 0)
	wantFault(t, err, fault.NotFound, "name")
	_, err = h.q.Cluster(h.ctx, member, "acme", readmodel.Ref{}, 0)
	wantFault(t, err, fault.Invalid, "id")
	// A sequence the model cannot reach in time is UNAVAILABLE, not a hang.
	short, cancel := context.WithTimeout(h.ctx, 100*time.Millisecond)
	defer cancel()
	_, _, err = h.q.Devices(short, member, "acme", "", readmodel.All, h.lastSeq()+1000)
	wantFault(t, err, fault.Unavailable, "")
}
