package command_test

import (
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/keyring"
	"weft.dev/services/uniq"
)

const cloneKnown = "clone-known-value-5d1"

// prod makes environment "prod" in a new cluster "east" holding one of
// everything a clone copies: a config, a secret, a run Postgres, an app
// with a container taking values from all three, an app of fixed
// backends and a router to the first.
func (h *harness) prod(c *command.Handlers) (clusterID string, env cd.Env) {
	h.t.Helper()
	clusterID = h.cluster("acme", "east", "10.96.0.0/24")
	e, err := c.CreateEnv(h.ctx, admin, command.CreateEnvInput{Team: "acme", Name: "prod", ClusterID: clusterID})
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := c.SetConfig(h.ctx, member, command.SetConfigInput{Team: "acme", Env: "prod", Name: "app-settings", Set: map[string]string{"LOG_LEVEL": "debug"}}); err != nil {
		h.t.Fatal(err)
	}
	if _, err := c.SetSecret(h.ctx, member, command.SetSecretInput{Team: "acme", Env: "prod", Name: "creds", Set: map[string]string{"PASSWORD": cloneKnown}}); err != nil {
		h.t.Fatal(err)
	}
	if _, err := c.CreateService(h.ctx, member, command.CreateServiceInput{Team: "acme", Env: "prod", Name: "db", Kind: cd.Postgres,
		Run: &command.RunInput{Version: "16", Storage: "2Gi"}}); err != nil {
		h.t.Fatal(err)
	}
	w := &cd.Workload{Image: "ghcr.io/acme/api:1",
		Env:     []cd.EnvVar{{Name: "LOG_LEVEL", From: &cd.KeyRef{Source: cd.Source{Kind: cd.SourceConfig, Name: "app-settings"}, Key: "LOG_LEVEL"}}},
		EnvFrom: []cd.EnvFrom{{Source: cd.Source{Kind: cd.SourceSecret, Name: "creds"}}, {Source: cd.Source{Kind: cd.SourceService, Name: "db"}, Prefix: "DB_"}}}
	if _, err := c.CreateApp(h.ctx, member, command.CreateAppInput{Team: "acme", Env: "prod", Name: "api",
		Spec: cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.HTTP}}}, Backing: cd.Backing{Workload: w}}); err != nil {
		h.t.Fatal(err)
	}
	if _, err := c.CreateApp(h.ctx, member, command.CreateAppInput{Team: "acme", Env: "prod", Name: "web", Spec: webSpec()}); err != nil {
		h.t.Fatal(err)
	}
	if _, err := c.CreateRouter(h.ctx, member, command.RouterInput{Team: "acme", Env: "prod", Name: "web-in", Domain: "shop.example.com", TLS: true,
		Routes: []cd.Route{{Path: "/", Target: cd.Backend{Kind: cd.TargetApp, Name: "api", Port: 80}}}}); err != nil {
		h.t.Fatal(err)
	}
	return clusterID, e.Object
}

// first is the first event of an aggregate's history.
func (h *harness) first(typ, id string) events.Recorded {
	h.t.Helper()
	var out []events.Recorded
	if _, err := h.store.LoadFunc(h.ctx, "acme", eventsRef(typ, id), func(r events.Recorded) error {
		out = append(out, r)
		return nil
	}); err != nil || len(out) == 0 {
		h.t.Fatalf("history of %s/%s: %d events, %v", typ, id, len(out), err)
	}
	return out[0]
}

// deks are the data keys the keyring holds for team acme.
func (h *harness) deks() []string {
	h.t.Helper()
	js, err := jetstream.New(h.env.Conn)
	if err != nil {
		h.t.Fatal(err)
	}
	kv, err := js.KeyValue(h.ctx, keyring.Bucket)
	if err != nil {
		h.t.Fatal(err)
	}
	l, err := kv.ListKeysFiltered(h.ctx, "dek.acme.*")
	if err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for k := range l.Keys() {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestACloneCopiesEveryResourceWithItsOwnIDAddressKeysAndOriginInOneAtomicAppend(t *testing.T) {
	h := setup(t)
	c := h.withKeyring()
	east, prod := h.prod(c)
	west := h.cluster("acme", "west", "10.97.0.0/24")
	before := h.lastSeq()
	res, err := c.CloneEnv(h.ctx, admin, command.CloneEnvInput{Team: "acme", Source: "prod", Name: "pr-142", ClusterID: west})
	if err != nil {
		t.Fatal(err)
	}
	clone := res.Object
	if clone.Name != "pr-142" || clone.ClusterID != west || clone.ClonedFrom != prod.ID || clone.ID == prod.ID {
		t.Fatalf("clone %+v", clone)
	}
	// One batch: the clone's events are all of those appended, in a row.
	if err := h.runner.WaitFor(h.ctx, res.Seq); err != nil {
		t.Fatal(err)
	}
	src, dst := h.q.EnvContents("acme", prod.ID), h.q.EnvContents("acme", clone.ID)
	if src.Len() != 6 || dst.Len() != 6 {
		t.Fatalf("source holds %d, clone %d: want 6 each", src.Len(), dst.Len())
	}
	if want := before + uint64(cd.CloneEvents(src)); res.Seq != want {
		t.Fatalf("clone appended up to %d, want %d (%d events)", res.Seq, want, cd.CloneEvents(src))
	}

	ips := map[string]bool{}
	for _, id := range dst.Apps {
		r := h.first(cd.AppAggregate, id)
		e := r.Data.(cd.AppCreated)
		if e.ClonedFrom == "" || e.EnvID != clone.ID || e.ClusterID != west || slices.Contains(src.Apps, id) {
			t.Fatalf("copy %+v", e)
		}
		ips[e.ServiceIP] = true
		orig := h.first(cd.AppAggregate, e.ClonedFrom).Data.(cd.AppCreated)
		if orig.Name != e.Name || orig.ClusterID != east || orig.ServiceIP == e.ServiceIP {
			t.Fatalf("copy %s of %s: %+v", e.Name, orig.Name, e)
		}
		if e.Name == "api" && (e.Workload == nil || len(e.Workload.EnvFrom) != 2 || e.Workload.Env[0].From.Name != "app-settings") {
			t.Fatalf("api's copy lost its container's sources: %+v", e.Workload)
		}
	}
	svc := h.first(cd.ServiceAggregate, dst.Services[0]).Data.(cd.ServiceCreated)
	orig := h.first(cd.ServiceAggregate, src.Services[0]).Data.(cd.ServiceCreated)
	ips[svc.ServiceIP] = true
	if svc.ClonedFrom != orig.ID || svc.Instance == nil || svc.Instance.Version != "16" || svc.Instance.Storage != "2Gi" ||
		svc.Instance.CredentialsKey == orig.Instance.CredentialsKey || svc.Instance.SealedKey == orig.Instance.SealedKey {
		t.Fatalf("the run service's copy is not a new instance of its own: %+v of %+v", svc.Instance, orig.Instance)
	}
	if len(ips) != 3 {
		t.Fatalf("the copies' addresses %v are not three different ones", ips)
	}
	for ip := range ips {
		if owner, _, err := uniq.Owner(h.ctx, h.store, "acme", cd.IPKind, cd.IPKey(west, ip)); err != nil || owner == "" {
			t.Fatalf("%s is not claimed in west: %q %v", ip, owner, err)
		}
	}
	cfg := h.first(cd.ConfigAggregate, dst.Configs[0]).Data.(cd.ConfigCreated)
	if cfg.ClonedFrom != src.Configs[0] || !maps.Equal(cfg.Data, map[string]string{"LOG_LEVEL": "debug"}) {
		t.Fatalf("config's copy %+v", cfg)
	}
	rt := h.first(cd.RouterAggregate, dst.Routers[0]).Data.(cd.RouterCreated)
	if rt.ClonedFrom != src.Routers[0] || rt.Domain != "" || !rt.TLS || len(rt.Routes) != 1 {
		t.Fatalf("router's copy %+v: want the routes without the domain", rt)
	}
	// The secret's copy has the value, sealed under its own key.
	sec := h.first(cd.SecretAggregate, dst.Secrets[0]).Data.(cd.SecretCreated)
	osec := h.first(cd.SecretAggregate, src.Secrets[0]).Data.(cd.SecretCreated)
	if sec.ClonedFrom != osec.ID || sec.Values["PASSWORD"] == osec.Values["PASSWORD"] {
		t.Fatalf("secret's copy %+v is not sealed anew", sec)
	}
	rev, err := c.RevealSecret(h.ctx, admin, "acme", sec.ID)
	if err != nil || rev.Object.Values["PASSWORD"] != cloneKnown {
		t.Fatalf("the copy's value: %v %v", rev.Object.Values, err)
	}

	// A router's copy takes a domain when given one.
	res2, err := c.CloneEnv(h.ctx, admin, command.CloneEnvInput{Team: "acme", Source: "prod", Name: "pr-143", Domains: map[string]string{"web-in": "PR-143.shop.example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if res2.Object.ClusterID != east {
		t.Fatalf("a clone without a cluster goes to the source's: %s", res2.Object.ClusterID)
	}
	if err := h.runner.WaitFor(h.ctx, res2.Seq); err != nil {
		t.Fatal(err)
	}
	rt2 := h.first(cd.RouterAggregate, h.q.EnvContents("acme", res2.Object.ID).Routers[0]).Data.(cd.RouterCreated)
	if rt2.Domain != "pr-143.shop.example.com" {
		t.Fatalf("router's copy's domain %q", rt2.Domain)
	}
}

func TestACloneIsRefusedAtTheEdgeToMembersOtherTeamsAndBadInput(t *testing.T) {
	h := setup(t)
	c := h.withKeyring()
	h.prod(c)
	before := h.lastSeq()
	for _, tt := range []struct {
		name  string
		p     auth.Principal
		in    command.CloneEnvInput
		code  fault.Code
		field string
	}{
		{"member", member, command.CloneEnvInput{Team: "acme", Source: "prod", Name: "pr-1"}, fault.Forbidden, ""},
		{"other team", rival, command.CloneEnvInput{Team: "globex", Source: "prod", Name: "pr-1"}, fault.NotFound, "source"},
		{"bad name", admin, command.CloneEnvInput{Team: "acme", Source: "prod", Name: "PR 1"}, fault.Invalid, "name"},
		{"name taken", admin, command.CloneEnvInput{Team: "acme", Source: "prod", Name: "prod"}, fault.Conflict, "name"},
		{"no source", admin, command.CloneEnvInput{Team: "acme", Source: "nope", Name: "pr-1"}, fault.NotFound, "source"},
		{"bad cluster", admin, command.CloneEnvInput{Team: "acme", Source: "prod", Name: "pr-1", ClusterID: "a.b"}, fault.Invalid, "clusterId"},
		{"unknown cluster", admin, command.CloneEnvInput{Team: "acme", Source: "prod", Name: "pr-1", ClusterID: newID(t)}, fault.NotFound, "clusterId"},
		{"bad domain", admin, command.CloneEnvInput{Team: "acme", Source: "prod", Name: "pr-1", Domains: map[string]string{"web-in": "localhost"}}, fault.Invalid, "domains.web-in"},
		{"no such router", admin, command.CloneEnvInput{Team: "acme", Source: "prod", Name: "pr-1", Domains: map[string]string{"api": "a.example.com"}}, fault.NotFound, "domains.api"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.CloneEnv(h.ctx, tt.p, tt.in)
			if f, ok := fault.As(err); !ok || f.Code != tt.code || f.Field != tt.field {
				t.Fatalf("want %s on %q, got %v", tt.code, tt.field, err)
			}
		})
	}
	if h.lastSeq() != before {
		t.Fatalf("refused clones appended %d events", h.lastSeq()-before)
	}
}

func TestACloneThatFailsHalfWayLeavesNothingBehind(t *testing.T) {
	h := setup(t)
	c := h.withKeyring()
	_, prod := h.prod(c)
	tiny := h.cluster("acme", "tiny", "10.98.0.0/30") // two addresses; the clone needs three
	doomed := h.cluster("acme", "doomed", "10.99.0.0/24")
	deks := h.deks()

	nothingLeft := func(t *testing.T, since uint64, own int) {
		t.Helper()
		if n := h.lastSeq() - since; n != uint64(own) {
			t.Fatalf("%d events appended besides the test's own %d", n-uint64(own), own)
		}
		if owner, _, err := uniq.Owner(h.ctx, h.store, "acme", cd.EnvNameKind, "pr-142"); err != nil || owner != "" {
			t.Fatalf("the clone's name is held by %q (%v)", owner, err)
		}
		if got := h.deks(); !slices.Equal(got, deks) {
			t.Fatalf("keys made for the copies were kept: %v, before %v", got, deks)
		}
	}

	t.Run("a name taken in the middle of the batch", func(t *testing.T) {
		before := h.lastSeq()
		taken := 0
		command.OnCloning(c, func(envID string) {
			if taken > 0 {
				return
			}
			// Another writer takes the name of the clone's app web (in the
			// middle of the batch) between the clone's read of it and its
			// append: the server refuses the whole batch.
			w, err := uniq.Claim(h.ctx, h.store, "acme", "eve", cd.AppNameKind, cd.AppNameKey(envID, "web"), newID(t))
			if err != nil {
				t.Error(err)
				return
			}
			if _, err := h.store.AppendAll(h.ctx, w); err != nil {
				t.Error(err)
			}
			taken++
		})
		defer command.OnCloning(c, nil)
		_, err := c.CloneEnv(h.ctx, admin, command.CloneEnvInput{Team: "acme", Source: "prod", Name: "pr-142"})
		if f, ok := fault.As(err); !ok || f.Code != fault.Conflict || f.Field != "name" {
			t.Fatalf("want CONFLICT on name, got %v", err)
		}
		nothingLeft(t, before, taken)
	})
	t.Run("the target's range exhausted", func(t *testing.T) {
		before := h.lastSeq()
		_, err := c.CloneEnv(h.ctx, admin, command.CloneEnvInput{Team: "acme", Source: "prod", Name: "pr-142", ClusterID: tiny})
		if !errors.Is(err, cd.ErrRangeExhausted) || fault.CodeOf(err) != fault.Conflict {
			t.Fatalf("want the range exhausted, got %v", err)
		}
		nothingLeft(t, before, 0)
	})
	t.Run("the target cluster deleted while it was cloned", func(t *testing.T) {
		before := h.lastSeq()
		deleted := 0
		command.OnCloning(c, func(string) {
			if deleted == 0 {
				h.deleteCluster("acme", doomed, "doomed")
				deleted = 2 // its deletion and its name's release
			}
		})
		defer command.OnCloning(c, nil)
		_, err := c.CloneEnv(h.ctx, admin, command.CloneEnvInput{Team: "acme", Source: "prod", Name: "pr-142", ClusterID: doomed})
		if fault.CodeOf(err) != fault.NotFound {
			t.Fatalf("want NOT_FOUND (the cluster is gone), got %v", err)
		}
		nothingLeft(t, before, deleted)
	})
	// The source is whole and can still be cloned.
	res, err := c.CloneEnv(h.ctx, admin, command.CloneEnvInput{Team: "acme", Source: "prod", Name: "pr-142"})
	if err != nil || res.Object.ClonedFrom != prod.ID {
		t.Fatalf("clone after the failures: %+v %v", res.Object, err)
	}
}

func TestDeletingACloneDeletesAllItHoldsAndFreesItsNamesAddressesAndKeys(t *testing.T) {
	h := setup(t)
	c := h.withKeyring()
	east, prod := h.prod(c)
	deks := h.deks()
	res, err := c.CloneEnv(h.ctx, admin, command.CloneEnvInput{Team: "acme", Source: "prod", Name: "pr-142"})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.runner.WaitFor(h.ctx, res.Seq); err != nil {
		t.Fatal(err)
	}
	dst := h.q.EnvContents("acme", res.Object.ID)
	var copyIPs []string
	for _, id := range dst.Apps {
		copyIPs = append(copyIPs, h.first(cd.AppAggregate, id).Data.(cd.AppCreated).ServiceIP)
	}
	// A source that is not a clone still has to be emptied first.
	if _, err := c.DeleteEnv(h.ctx, admin, "acme", "prod"); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("deleting prod (not a clone, not empty): %v", err)
	}
	if _, err := c.DeleteEnv(h.ctx, member, "acme", "pr-142"); fault.CodeOf(err) != fault.Forbidden {
		t.Fatalf("a member deleting the clone: %v", err)
	}
	del, err := c.DeleteEnv(h.ctx, admin, "acme", "pr-142")
	if err != nil {
		t.Fatal(err)
	}
	if !del.Object.Deleted {
		t.Fatalf("clone after its deletion: %+v", del.Object)
	}
	if err := h.runner.WaitFor(h.ctx, del.Seq); err != nil {
		t.Fatal(err)
	}
	if n := h.q.EnvContents("acme", res.Object.ID).Len(); n != 0 {
		t.Fatalf("the deleted clone still holds %d resources", n)
	}
	if n := h.q.EnvContents("acme", prod.ID).Len(); n != 6 {
		t.Fatalf("the source holds %d resources after its clone's deletion, want 6", n)
	}
	svc := h.first(cd.ServiceAggregate, dst.Services[0])
	var deleted cd.ServiceDeleted
	if _, err := h.store.LoadFunc(h.ctx, "acme", eventsRef(cd.ServiceAggregate, svc.Aggregate.ID), func(r events.Recorded) error {
		if e, ok := r.Data.(cd.ServiceDeleted); ok {
			deleted = e
		}
		return nil
	}); err != nil || !deleted.DeleteData {
		t.Fatalf("the clone's run service is deleted without its data: %+v %v", deleted, err)
	}
	for _, ip := range copyIPs {
		if owner, _, err := uniq.Owner(h.ctx, h.store, "acme", cd.IPKind, cd.IPKey(east, ip)); err != nil || owner != "" {
			t.Fatalf("%s still held by %q (%v)", ip, owner, err)
		}
	}
	if got := h.deks(); !slices.Equal(got, deks) {
		t.Fatalf("the copies' keys outlive them: %v, before the clone %v", got, deks)
	}
	// Its names are free: it can be made again.
	if _, err := c.CloneEnv(h.ctx, admin, command.CloneEnvInput{Team: "acme", Source: "prod", Name: "pr-142"}); err != nil {
		t.Fatal(err)
	}
}
