package command_test

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/console/readmodel"
)

func (h *harness) setConfig(p auth.Principal, env, name string, set map[string]string, unset ...string) (command.Result[cd.Config], error) {
	return h.h.SetConfig(h.ctx, p, command.SetConfigInput{Team: p.Team, Env: env, Name: name, Set: set, Unset: unset})
}

func TestConfigsAreSetKeyByKeyAndReadBackPerEnvironment(t *testing.T) {
	h := setup(t)
	h.world()
	first, err := h.setConfig(member, "dev", "app-settings", map[string]string{"LOG_LEVEL": "debug", "config.yaml": "a: 1\n"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := h.setConfig(member, "dev", "app-settings", map[string]string{"LOG_LEVEL": "info", "config.yaml": "a: 1\n"}, "")
	if fault.CodeOf(err) != fault.Invalid {
		t.Fatalf("an empty key to remove: want BAD_USER_INPUT, got %v", err)
	}
	second, err = h.setConfig(member, "dev", "app-settings", map[string]string{"LOG_LEVEL": "info", "config.yaml": "a: 1\n"})
	if err != nil {
		t.Fatal(err)
	}
	if second.Object.ID != first.Object.ID || second.Seq <= first.Seq {
		t.Fatalf("the second set made config %s (seq %d) instead of changing %s (seq %d)", second.Object.ID, second.Seq, first.Object.ID, first.Seq)
	}
	// The change records only the key whose value changed.
	var changed []cd.ConfigChanged
	if _, err := h.store.LoadFunc(h.ctx, "acme", eventsRef(cd.ConfigAggregate, first.Object.ID), func(r events.Recorded) error {
		if c, ok := r.Data.(cd.ConfigChanged); ok {
			changed = append(changed, c)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(changed) != 1 || !reflect.DeepEqual(changed[0].Set, map[string]string{"LOG_LEVEL": "info"}) {
		t.Fatalf("changes recorded: %+v; want LOG_LEVEL alone", changed)
	}
	// Setting what is already so appends nothing.
	same, err := h.setConfig(member, "dev", "app-settings", map[string]string{"LOG_LEVEL": "info"})
	if err != nil || same.Seq != second.Seq {
		t.Fatalf("an unchanged set: seq %d (was %d), %v", same.Seq, second.Seq, err)
	}
	third, err := h.setConfig(member, "dev", "app-settings", nil, "config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := h.q.Config(h.ctx, member, "acme", first.Object.ID, third.Seq)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Data, map[string]string{"LOG_LEVEL": "info"}) || c.EnvName != "dev" || c.CreatedBy != "user:bob" {
		t.Fatalf("config as read: %+v", c)
	}
	// Another environment's config of the same name is another config.
	cl := h.cluster("acme", "west", "10.97.0.0/24")
	if _, err := h.h.CreateEnv(h.ctx, admin, command.CreateEnvInput{Team: "acme", Name: "prod", ClusterID: cl}); err != nil {
		t.Fatal(err)
	}
	other, err := h.setConfig(member, "prod", "app-settings", map[string]string{"LOG_LEVEL": "warn"})
	if err != nil || other.Object.ID == first.Object.ID || other.Object.ClusterID != cl {
		t.Fatalf("prod's app-settings: %+v, %v", other.Object, err)
	}
	list, _, err := h.q.Configs(h.ctx, member, "acme", "", readmodel.All, other.Seq)
	if err != nil || len(list) != 2 || list[0].EnvName != "dev" || list[1].EnvName != "prod" {
		t.Fatalf("configs: %+v, %v", list, err)
	}
	// Another team sees none of it and changes nothing.
	if _, err := h.q.Config(h.ctx, rival, "globex", first.Object.ID, 0); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("another team reads the config: %v", err)
	}
	if _, err := h.h.DeleteConfig(h.ctx, rival, "globex", first.Object.ID); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("another team deletes the config: %v", err)
	}
	if _, err := h.setConfig(rival, "dev", "app-settings", map[string]string{"LOG_LEVEL": "x"}); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("another team sets the config: %v", err)
	}
}

func TestBadConfigInputIsRefusedNamingTheFieldAndAppendsNothing(t *testing.T) {
	h := setup(t)
	h.world()
	before := h.lastSeq()
	auditor := auth.Principal{UserID: "aud", Team: "acme", Role: auth.Auditor}
	tests := []struct {
		name  string
		p     auth.Principal
		env   string
		cname string
		set   map[string]string
		unset []string
		code  fault.Code
		field string
	}{
		{"an auditor", auditor, "dev", "s", map[string]string{"A": "1"}, nil, fault.Forbidden, ""},
		{"a bad key", member, "dev", "s", map[string]string{"A B": "1"}, nil, fault.Invalid, "set.A B"},
		{"a key ..", member, "dev", "s", map[string]string{"..": "1"}, nil, fault.Invalid, "set..."},
		{"a binary value", member, "dev", "s", map[string]string{"A": "\xff\xfe"}, nil, fault.Invalid, "set.A"},
		{"nothing to do", member, "dev", "s", nil, nil, fault.Invalid, "set"},
		{"set and removed", member, "dev", "s", map[string]string{"A": "1"}, []string{"A"}, fault.Invalid, "unset[0]"},
		{"a bad name", member, "dev", "Bad_Name", map[string]string{"A": "1"}, nil, fault.Invalid, "name"},
		{"no such environment", member, "nope", "s", map[string]string{"A": "1"}, nil, fault.NotFound, "env"},
		{"removing from a new config", member, "dev", "s", map[string]string{"A": "1"}, []string{"B"}, fault.NotFound, "unset"},
		{"too large", member, "dev", "s", map[string]string{"A": strings.Repeat("x", cd.MaxConfigBytes)}, nil, fault.Invalid, "set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.setConfig(tt.p, tt.env, tt.cname, tt.set, tt.unset...)
			f, ok := fault.As(err)
			if !ok || f.Code != tt.code || f.Field != tt.field {
				t.Fatalf("want %s on %q, got %v", tt.code, tt.field, err)
			}
		})
	}
	if after := h.lastSeq(); after != before {
		t.Fatalf("refused input appended events: %d → %d", before, after)
	}
	if _, err := h.setConfig(member, "dev", "s", map[string]string{"A": "1"}, "B"); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("removing a key the config lacks: %v", err)
	}
}

func TestConcurrentFirstSetsOfOneConfigMakeOneConfigWithEveryKey(t *testing.T) {
	h := setup(t)
	h.world()
	const n = 6
	var wg sync.WaitGroup
	ids := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			res, err := h.setConfig(member, "dev", "shared", map[string]string{"K" + string(rune('a'+i)): "v"})
			ids[i], errs[i] = res.Object.ID, err
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("set %d: %v", i, errs[i])
		}
		if ids[i] != ids[0] {
			t.Fatalf("concurrent first sets made configs %s and %s", ids[0], ids[i])
		}
	}
	c, err := h.q.Config(h.ctx, member, "acme", ids[0], h.lastSeq())
	if err != nil || len(c.Data) != n {
		t.Fatalf("config after %d concurrent sets: %+v, %v", n, c.Data, err)
	}
}

func TestAnAppTakesValuesOnlyFromConfigsItsEnvironmentHasAndTheyStayWhileUsed(t *testing.T) {
	h := setup(t)
	h.world()
	cfg, err := h.setConfig(member, "dev", "app-settings", map[string]string{"LOG_LEVEL": "debug", "extra": "1"})
	if err != nil {
		t.Fatal(err)
	}
	spec := cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.TCP}}}
	wl := func(src string, key string) *cd.Workload {
		return &cd.Workload{Image: "ghcr.io/acme/api:1", Replicas: 1,
			Env:   []cd.EnvVar{{Name: "LOG_LEVEL", From: &cd.KeyRef{Source: cd.Source{Name: src}, Key: key}}},
			Files: []cd.FileMount{{Source: cd.Source{Name: src}, Path: "/etc/app"}}}
	}
	create := func(name string, w *cd.Workload) (command.Result[cd.App], error) {
		return h.h.CreateApp(h.ctx, member, command.CreateAppInput{Team: "acme", Env: "dev", Name: name, Spec: spec, Backing: cd.Backing{Workload: w}})
	}
	if _, err := create("api", wl("nope", "LOG_LEVEL")); fault.CodeOf(err) != fault.NotFound || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("an app naming a config its environment lacks: %v", err)
	}
	if _, err := create("api", wl("app-settings", "MISSING")); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("an app naming a key the config lacks: %v", err)
	}
	app, err := create("api", wl("app-settings", "LOG_LEVEL"))
	if err != nil {
		t.Fatal(err)
	}
	if got := app.Object.Workload.Env[0].From.Kind; got != cd.SourceConfig {
		t.Fatalf("the source's kind defaults to %q, want config", got)
	}
	c, err := h.q.Config(h.ctx, member, "acme", cfg.Object.ID, app.Seq)
	if err != nil || !reflect.DeepEqual(c.UsedBy, []string{"api"}) {
		t.Fatalf("used by: %v, %v", c.UsedBy, err)
	}
	// The key the variable takes cannot go, another can; nor can the
	// config, while the app uses it.
	_, err = h.setConfig(member, "dev", "app-settings", nil, "LOG_LEVEL")
	if f, ok := fault.As(err); !ok || f.Code != fault.Conflict || !strings.Contains(f.Msg, "api") {
		t.Fatalf("removing a key an app's variable takes: %v", err)
	}
	if _, err := h.setConfig(member, "dev", "app-settings", nil, "extra"); err != nil {
		t.Fatalf("removing a key no variable takes: %v", err)
	}
	if _, err := h.h.DeleteConfig(h.ctx, member, "acme", cfg.Object.ID); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("deleting a config an app uses: %v", err)
	}
	if _, err := h.h.DeleteApp(h.ctx, member, "acme", app.Object.ID); err != nil {
		t.Fatal(err)
	}
	del, err := h.h.DeleteConfig(h.ctx, member, "acme", cfg.Object.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.q.Config(h.ctx, member, "acme", cfg.Object.ID, del.Seq); !errors.Is(err, cd.ErrNotFound) && fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("a deleted config is read: %v", err)
	}
	// Its name is free again.
	again, err := h.setConfig(member, "dev", "app-settings", map[string]string{"A": "1"})
	if err != nil || again.Object.ID == cfg.Object.ID {
		t.Fatalf("the name after the delete: %+v, %v", again.Object, err)
	}
}
