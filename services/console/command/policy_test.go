package command_test

import (
	"bytes"
	"context"
	"testing"

	"weft.dev/events"
	"weft.dev/events/projection"
	"weft.dev/kernel/fault"
	"weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/console/readmodel"
)

func TestPolicyChangesDecideAccessAsUsersExpect(t *testing.T) {
	h := setup(t)
	_, env, app := h.world()
	dev := h.device("acme", "laptop", "100.64.0.9")
	laptop := cd.Identity{UserID: "ada", DeviceID: dev}
	web := cd.Target{AppID: app.ID}

	v, err := h.q.Access(h.ctx, member, "acme", laptop, web, h.lastSeq())
	if err != nil || !v.Allow || v.PolicyID != "" {
		t.Fatalf("no policies: %+v, %v (want the default allow)", v, err)
	}
	if _, err := h.h.CreatePolicy(h.ctx, member, command.CreatePolicyInput{Team: "acme", Name: "x", Rule: cd.Rule{Action: cd.Deny,
		Sources: []cd.Subject{{Kind: cd.SubjectAll}}, Targets: []cd.Subject{{Kind: cd.SubjectAll}}}}); fault.CodeOf(err) != fault.Forbidden {
		t.Fatalf("member creating a policy: want FORBIDDEN, got %v", err)
	}

	lock, err := h.h.CreatePolicy(h.ctx, admin, command.CreatePolicyInput{Team: "acme", Name: "lock-dev", Rule: cd.Rule{Action: cd.Deny,
		Sources: []cd.Subject{{Kind: cd.SubjectAll}}, Targets: []cd.Subject{{Kind: cd.SubjectEnv, ID: env.ID}}}})
	if err != nil {
		t.Fatal(err)
	}
	evs, _, _ := h.store.Load(h.ctx, "acme", events.AggregateRef{Type: cd.PolicyAggregate, ID: lock.Object.ID})
	if len(evs) != 1 || evs[0].Type != "console.policy.created" {
		t.Fatalf("policy events %+v", evs)
	}
	v, _ = h.q.Access(h.ctx, member, "acme", laptop, web, lock.Seq)
	if v.Allow || v.PolicyName != "lock-dev" {
		t.Fatalf("after deny on env: %+v", v)
	}

	opener, err := h.h.CreatePolicy(h.ctx, admin, command.CreatePolicyInput{Team: "acme", Name: "laptop-web", Rule: cd.Rule{Action: cd.Allow, Priority: 10,
		Sources: []cd.Subject{{Kind: cd.SubjectDevice, ID: dev}}, Targets: []cd.Subject{{Kind: cd.SubjectApp, ID: app.ID}}}})
	if err != nil {
		t.Fatal(err)
	}
	v, _ = h.q.Access(h.ctx, member, "acme", laptop, web, opener.Seq)
	if !v.Allow || v.PolicyName != "laptop-web" {
		t.Fatalf("higher-priority allow: %+v", v)
	}
	other, _ := h.q.Access(h.ctx, member, "acme", cd.Identity{UserID: "bob"}, web, opener.Seq)
	if other.Allow {
		t.Fatalf("another user got through the env deny: %+v", other)
	}

	// Raising the deny to the same priority: a tie, and deny wins.
	up, err := h.h.UpdatePolicy(h.ctx, admin, command.UpdatePolicyInput{Team: "acme", ID: lock.Object.ID, Rule: cd.Rule{Action: cd.Deny, Priority: 10,
		Sources: []cd.Subject{{Kind: cd.SubjectAll}}, Targets: []cd.Subject{{Kind: cd.SubjectEnv, ID: env.ID}}}})
	if err != nil {
		t.Fatal(err)
	}
	v, _ = h.q.Access(h.ctx, member, "acme", laptop, web, up.Seq)
	if v.Allow || v.PolicyName != "lock-dev" {
		t.Fatalf("tie: %+v, want deny by lock-dev", v)
	}
	pols, _, err := h.q.Policies(h.ctx, member, "acme", readmodel.All, up.Seq)
	if err != nil || len(pols) != 2 || pols[0].Name != "lock-dev" || pols[0].CreatedBy != "user:ada" {
		t.Fatalf("policies %+v, %v", pols, err)
	}

	del, err := h.h.DeletePolicy(h.ctx, admin, "acme", lock.Object.ID)
	if err != nil {
		t.Fatal(err)
	}
	v, _ = h.q.Access(h.ctx, member, "acme", cd.Identity{UserID: "bob"}, web, del.Seq)
	if !v.Allow || v.PolicyID != "" {
		t.Fatalf("after delete: %+v, want the default allow", v)
	}
	// The name is free again.
	if _, err := h.h.CreatePolicy(h.ctx, admin, command.CreatePolicyInput{Team: "acme", Name: "lock-dev", Rule: cd.Rule{Action: cd.Allow,
		Sources: []cd.Subject{{Kind: cd.SubjectAll}}, Targets: []cd.Subject{{Kind: cd.SubjectAll}}}}); err != nil {
		t.Fatalf("reuse deleted policy's name: %v", err)
	}
}

func TestProjectorResumesAfterRestartAndARebuildEqualsTheLiveModel(t *testing.T) {
	h := setup(t)
	cluster, _, app := h.world()
	dev := h.device("acme", "laptop", "100.64.0.9")
	if _, err := h.h.StartIntercept(h.ctx, member, command.StartInterceptInput{Team: "acme", AppID: app.ID, Port: 80, DeviceID: dev}); err != nil {
		t.Fatal(err)
	}
	// A second model that stops, then resumes from its snapshot.
	_, r1 := h.startModel("resume")
	if err := r1.Stop(h.ctx); err != nil {
		t.Fatal(err)
	}
	stoppedAt := r1.Applied()

	// More changes while it is down.
	if _, err := h.h.CreateService(h.ctx, member, command.CreateServiceInput{Team: "acme", Env: "dev", Name: "cache", Kind: cd.Redis,
		Spec: cd.Spec{Ports: []cd.Port{{Port: 6379}}, Backends: []string{"redis:6379"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.h.CreatePolicy(h.ctx, admin, command.CreatePolicyInput{Team: "acme", Name: "p", Rule: cd.Rule{Action: cd.Deny,
		Sources: []cd.Subject{{Kind: cd.SubjectCluster, ID: cluster}}, Targets: []cd.Subject{{Kind: cd.SubjectAll}}}}); err != nil {
		t.Fatal(err)
	}
	h.device("acme", "phone", "100.64.0.10")
	last := h.lastSeq()

	m2 := readmodel.New()
	applied := new(int)
	r2 := projection.New(h.store, counting{m2, applied}, projection.Config{Name: "resume"})
	if err := r2.Start(h.ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r2.Stop(context.Background()) })
	if err := r2.WaitFor(h.ctx, last); err != nil {
		t.Fatal(err)
	}
	// It decodes only the events it handles after its snapshot.
	want := 0
	if err := h.store.Replay(h.ctx, events.Filter{FromSeq: stoppedAt + 1}, func(r events.Recorded) error {
		if m2.Handles(r.Type) {
			want++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n := *applied; n != want || want == 0 {
		t.Fatalf("resumed runner applied %d events, want only the %d it handles after its snapshot", n, want)
	}

	// The live model, the resumed one and one rebuilt from scratch agree.
	if err := projection.Drop(h.ctx, h.store, "rebuilt"); err != nil {
		t.Fatal(err)
	}
	rebuilt, _ := h.startModel("rebuilt")
	if err := h.runner.WaitFor(h.ctx, last); err != nil {
		t.Fatal(err)
	}
	live, _ := h.model.Snapshot()
	resumed, _ := m2.Snapshot()
	fresh, _ := rebuilt.Snapshot()
	if !bytes.Equal(live, fresh) || !bytes.Equal(live, resumed) {
		t.Fatalf("models differ:\nlive    %s\nresumed %s\nrebuilt %s", live, resumed, fresh)
	}
	// And so do the users' views of an app.
	a, _ := readmodel.NewQueries(rebuilt, h.runner).App(h.ctx, member, "acme", app.ID, 0)
	if len(a.Intercepts) != 1 || a.ServiceIP != app.ServiceIP {
		t.Fatalf("rebuilt app view %+v", a)
	}
}

// counting counts the events applied to a model.
type counting struct {
	*readmodel.Model
	n *int
}

func (c counting) Apply(r events.Recorded) error { *c.n++; return c.Model.Apply(r) }
