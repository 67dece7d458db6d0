package subgraph

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"weft.dev/events/clusterstate"
	"weft.dev/kernel/fault"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/console/readmodel"
	"weft.dev/services/console/subgraph/model"
	"weft.dev/services/graph"
)

// Enums are the domain's lower-case names in upper case.
// upper is the schema's enum value (one of all) for the domain's
// lower-case v: the constant itself when v is a known value spelt in
// ASCII, so converting allocates nothing (every app's spec has at least
// three enums); strings.ToUpper otherwise.
func upper[U ~string, T ~string](all []U, v T) U {
	for _, u := range all {
		if asciiUpperIs(string(v), string(u)) {
			return u
		}
	}
	return U(strings.ToUpper(string(v)))
}

// asciiUpperIs reports whether upper-casing the ASCII letters of v gives u
// (which is upper-case ASCII).
func asciiUpperIs(v, u string) bool {
	if len(v) != len(u) {
		return false
	}
	for i := range len(v) {
		c := v[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != u[i] {
			return false
		}
	}
	return true
}

func lower[T ~string, U ~string](v *T) U {
	if v == nil {
		return ""
	}
	return U(strings.ToLower(string(*v)))
}

func specOut(s cd.Spec) model.Spec {
	out := model.Spec{Ports: make([]model.Port, 0, len(s.Ports)), Backends: append([]string{}, s.Backends...), Lb: upper(model.AllLBMode, s.LB),
		Health: model.HealthCheck{Type: upper(model.AllHealthCheckType, s.Health.Type), Path: graph.Str(s.Health.Path),
			IntervalSeconds: s.Health.IntervalSeconds, TimeoutSeconds: s.Health.TimeoutSeconds,
			HealthyThreshold: s.Health.HealthyThreshold, UnhealthyThreshold: s.Health.UnhealthyThreshold}}
	for _, p := range s.Ports {
		out.Ports = append(out.Ports, portOut(p))
	}
	return out
}

func portOut(p cd.Port) model.Port {
	return model.Port{Port: p.Port, Protocol: upper(model.AllProtocol, p.Protocol)}
}

// specIn is the command's spec; defaults and checks are the domain's
// (Spec.Normalize), which names fields like "spec.ports[0].port".
func specIn(s model.SpecInput) cd.Spec {
	out := cd.Spec{Backends: s.Backends, LB: lower[model.LBMode, cd.LBMode](s.Lb)}
	for _, p := range s.Ports {
		out.Ports = append(out.Ports, cd.Port{Port: p.Port, Protocol: lower[model.Protocol, cd.Protocol](p.Protocol)})
	}
	if h := s.Health; h != nil {
		out.Health = cd.HealthCheck{Type: lower[model.HealthCheckType, string](h.Type), Path: graph.Deref(h.Path),
			IntervalSeconds: graph.Deref(h.IntervalSeconds), TimeoutSeconds: graph.Deref(h.TimeoutSeconds),
			HealthyThreshold: graph.Deref(h.HealthyThreshold), UnhealthyThreshold: graph.Deref(h.UnhealthyThreshold)}
	}
	return out
}

func envOut(e readmodel.Env) *model.Environment {
	return &model.Environment{ID: e.ID, Name: e.Name, Cluster: model.Cluster{ID: e.ClusterID}, ClusterGone: e.ClusterGone,
		AppCount: e.Apps, ServiceCount: e.Services, ConfigCount: e.Configs, SecretCount: e.Secrets, CreatedBy: graph.Str(e.CreatedBy), CreatedAt: timeOut(e.CreatedAt),
		Namespace: namespaceOut(e.Namespace, e.NamespaceReport), ClonedFrom: graph.Str(e.ClonedFrom)}
}

func envFromDomain(e cd.Env) *model.Environment {
	return &model.Environment{ID: e.ID, Name: e.Name, Cluster: model.Cluster{ID: e.ClusterID},
		Namespace: namespaceOut(clusterstate.NamespaceName(e.Name), e.Namespace), ClonedFrom: graph.Str(e.ClonedFrom)}
}

// namespaceOut is an environment's namespace: its name, and the report.
func namespaceOut(name string, r *cd.NamespaceState) model.Namespace {
	out := model.Namespace{Name: name}
	if r != nil {
		out.Ready, out.Error, out.Reported = r.Ready, graph.Str(r.Error), true
		if r.Name != "" {
			out.Name = r.Name
		}
	}
	return out
}

func appOut(a readmodel.App) *model.App {
	out := appValue(a)
	return &out
}

// appValue is appOut for a list's edges, which hold the app itself: no
// app allocated on the heap only to be copied.
func appValue(a readmodel.App) model.App {
	out := model.App{ID: a.ID, Name: a.Name, Cluster: model.Cluster{ID: a.ClusterID}, ServiceIP: a.ServiceIP, Spec: specOut(a.Spec),
		ActiveIntercepts: make([]model.Intercept, 0, len(a.Intercepts)), CreatedBy: graph.Str(a.CreatedBy),
		CreatedAt: timeOut(a.CreatedAt), UpdatedAt: timeOut(a.UpdatedAt), EnvID: a.EnvID, ClonedFrom: graph.Str(a.ClonedFrom)}
	for _, i := range a.Intercepts {
		out.ActiveIntercepts = append(out.ActiveIntercepts, *interceptOut(i))
	}
	backingOut(&out, a.Workload, a.Export, a.Generation, a.Rollout)
	return out
}

func appFromDomain(a cd.App) *model.App {
	out := &model.App{ID: a.ID, Name: a.Name, Cluster: model.Cluster{ID: a.ClusterID}, ServiceIP: a.ServiceIP, Spec: specOut(a.Spec),
		ActiveIntercepts: []model.Intercept{}, EnvID: a.EnvID}
	backingOut(out, a.Workload, a.Export, a.Generation, a.Rollout)
	return out
}

func serviceOut(s readmodel.Service) *model.ManagedService {
	out := &model.ManagedService{ID: s.ID, Name: s.Name, Kind: upper(model.AllServiceKind, s.Kind), Cluster: model.Cluster{ID: s.ClusterID},
		ServiceIP: s.ServiceIP, Spec: specOut(s.Spec), CreatedBy: graph.Str(s.CreatedBy), CreatedAt: timeOut(s.CreatedAt),
		UpdatedAt: timeOut(s.UpdatedAt), EnvID: s.EnvID, CredentialsReady: s.CredentialsReady, Status: instanceStatusOut(s.Status),
		ClonedFrom: graph.Str(s.ClonedFrom)}
	if s.Instance != nil {
		out.Instance = &model.ManagedInstance{Version: s.Instance.Version, Storage: s.Instance.Storage}
	}
	return out
}

func serviceFromDomain(s cd.Service) *model.ManagedService {
	out := &model.ManagedService{ID: s.ID, Name: s.Name, Kind: upper(model.AllServiceKind, s.Kind), Cluster: model.Cluster{ID: s.ClusterID},
		ServiceIP: s.ServiceIP, Spec: specOut(s.Spec), EnvID: s.EnvID}
	if s.Instance != nil {
		out.Instance = &model.ManagedInstance{Version: s.Instance.Version, Storage: s.Instance.Storage}
		out.Status, out.CredentialsReady = instanceStatusOut(s.Status), s.Credentials != nil
	}
	return out
}

func instanceStatusOut(s *cd.InstanceStatus) *model.ManagedServiceStatus {
	if s == nil {
		return nil
	}
	return &model.ManagedServiceStatus{Ready: s.Ready, Image: graph.Str(s.Image), LastError: graph.Str(s.LastError), ReportedAt: timeOut(s.Reported)}
}

func interceptOut(i readmodel.Intercept) *model.Intercept {
	out := interceptFromDomain(i.Intercept)
	out.DeviceName, out.DeviceGone = graph.Str(i.DeviceName), i.DeviceGone
	return out
}

func interceptFromDomain(i cd.Intercept) *model.Intercept {
	return &model.Intercept{ID: i.ID, Port: portOut(i.Port), Device: model.Device{ID: i.DeviceID}, Target: i.Target(), Active: i.Active,
		StartedBy: i.StartedBy, StartedAt: timeOut(i.StartedAt), StoppedBy: graph.Str(i.StoppedBy), StoppedAt: timeOut(i.StoppedAt), AppID: i.AppID}
}

// userRef is a user for the accounts subgraph to resolve, by the id an
// intercept or policy recorded; nil for none or an actor that is no user.
func userRef(id string) *model.User {
	if id == "" || strings.Contains(id, ":") {
		return nil
	}
	return &model.User{ID: id}
}

// ruleOut shows a rule with its subjects' names (names by id, from the
// read model's policy view; nil names none).
func ruleOut(r cd.Rule, names map[string]string) model.Rule {
	subs := func(ss []cd.Subject) []model.Subject {
		out := make([]model.Subject, 0, len(ss))
		for _, s := range ss {
			sub := model.Subject{Kind: upper(model.AllSubjectKind, s.Kind), ID: graph.Str(s.ID), Name: graph.Str(names[s.ID])}
			if s.Kind == cd.SubjectUser {
				sub.User = userRef(s.ID)
			}
			out = append(out, sub)
		}
		return out
	}
	return model.Rule{Action: upper(model.AllPolicyAction, r.Action), Priority: r.Priority, Sources: subs(r.Sources),
		Targets: subs(r.Targets), Description: graph.Str(r.Description)}
}

func ruleIn(r model.RuleInput) cd.Rule {
	subs := func(ss []model.SubjectInput) []cd.Subject {
		out := make([]cd.Subject, 0, len(ss))
		for _, s := range ss {
			out = append(out, cd.Subject{Kind: lower[model.SubjectKind, cd.SubjectKind](&s.Kind), ID: graph.Deref(s.ID)})
		}
		return out
	}
	return cd.Rule{Action: lower[model.PolicyAction, cd.Action](&r.Action), Priority: graph.Deref(r.Priority), Sources: subs(r.Sources),
		Targets: subs(r.Targets), Description: graph.Deref(r.Description)}
}

func policyOut(p readmodel.Policy) *model.Policy {
	return &model.Policy{ID: p.ID, Name: p.Name, Rule: ruleOut(p.Rule, p.Names), CreatedBy: graph.Str(p.CreatedBy),
		CreatedAt: timeOut(p.CreatedAt), UpdatedAt: timeOut(p.UpdatedAt)}
}

func policyFromDomain(p cd.Policy) *model.Policy {
	return &model.Policy{ID: p.ID, Name: p.Name, Rule: ruleOut(p.Rule, nil)}
}

// backingIn is the command's workload and export; defaults and checks are
// the domain's (Backing.Normalize), naming fields like "workload.image".
func backingIn(w *model.WorkloadInput, ex *model.ServiceRefInput) cd.Backing {
	var out cd.Backing
	if ex != nil {
		out.Export = &cd.ServiceRef{Namespace: ex.Namespace, Name: ex.Name}
	}
	if w == nil {
		return out
	}
	wl := &cd.Workload{Image: w.Image, Command: w.Command, Args: w.Args, Replicas: 1}
	if w.Replicas != nil {
		wl.Replicas = *w.Replicas
	}
	for _, e := range w.Env {
		v := cd.EnvVar{Name: e.Name, Value: graph.Deref(e.Value)}
		if f := e.From; f != nil {
			v.From = &cd.KeyRef{Source: sourceIn(f.Kind, f.Name), Key: f.Key}
		}
		wl.Env = append(wl.Env, v)
	}
	for _, e := range w.EnvFrom {
		wl.EnvFrom = append(wl.EnvFrom, cd.EnvFrom{Source: sourceIn(e.Kind, e.Name), Prefix: graph.Deref(e.Prefix)})
	}
	for _, f := range w.Files {
		wl.Files = append(wl.Files, cd.FileMount{Source: sourceIn(f.Kind, f.Name), Path: f.Path})
	}
	for _, p := range w.Ports {
		wl.Ports = append(wl.Ports, cd.PortMap{Port: p.Port, Protocol: lower[model.Protocol, cd.Protocol](p.Protocol), ContainerPort: p.ContainerPort})
	}
	if r := w.Resources; r != nil {
		list := func(l *model.ResourceListInput) cd.ResourceList {
			if l == nil {
				return cd.ResourceList{}
			}
			return cd.ResourceList{CPU: graph.Deref(l.CPU), Memory: graph.Deref(l.Memory)}
		}
		wl.Resources = cd.Resources{Requests: list(r.Requests), Limits: list(r.Limits)}
	}
	wl.Readiness, wl.Liveness = probeIn(w.Readiness), probeIn(w.Liveness)
	out.Workload = wl
	return out
}

// sourceIn is a source as the domain names it; a null kind is a config
// (the domain's default).
func sourceIn(kind *model.SourceKind, name string) cd.Source {
	return cd.Source{Kind: lower[model.SourceKind, string](kind), Name: name}
}

func configOut(c readmodel.Config) *model.Config {
	out := &model.Config{ID: c.ID, Name: c.Name, Cluster: model.Cluster{ID: c.ClusterID}, Entries: entriesOut(c.Data),
		UsedBy: c.UsedBy, CreatedBy: graph.Str(c.CreatedBy), CreatedAt: timeOut(c.CreatedAt), UpdatedAt: timeOut(c.UpdatedAt), EnvID: c.EnvID,
		ClonedFrom: graph.Str(c.ClonedFrom)}
	if out.UsedBy == nil {
		out.UsedBy = []string{}
	}
	return out
}

func configFromDomain(c cd.Config) *model.Config {
	return &model.Config{ID: c.ID, Name: c.Name, Cluster: model.Cluster{ID: c.ClusterID}, Entries: entriesOut(c.Data), UsedBy: []string{}, EnvID: c.EnvID}
}

// entriesIn are keys and values given as a list; a key given twice is
// refused (the value is never quoted: it may be a secret's).
func entriesIn(in []model.ConfigEntryInput) (map[string]string, error) {
	out := make(map[string]string, len(in))
	for i, e := range in {
		if _, dup := out[e.Key]; dup {
			return nil, fault.Invalidf(fmt.Sprintf("set[%d].key", i), "%s is given twice", e.Key)
		}
		out[e.Key] = e.Value
	}
	return out, nil
}

func secretOut(x readmodel.Secret) *model.Secret {
	out := &model.Secret{ID: x.ID, Name: x.Name, Cluster: model.Cluster{ID: x.ClusterID}, Keys: x.Keys, Version: int(x.Version),
		UsedBy: x.UsedBy, CreatedBy: graph.Str(x.CreatedBy), CreatedAt: timeOut(x.CreatedAt), UpdatedAt: timeOut(x.UpdatedAt), EnvID: x.EnvID,
		ClonedFrom: graph.Str(x.ClonedFrom)}
	if out.Keys == nil {
		out.Keys = []string{}
	}
	if out.UsedBy == nil {
		out.UsedBy = []string{}
	}
	return out
}

func secretFromDomain(x cd.Secret) *model.Secret {
	return &model.Secret{ID: x.ID, Name: x.Name, Cluster: model.Cluster{ID: x.ClusterID}, Keys: x.Keys(), Version: int(x.Version),
		UsedBy: []string{}, EnvID: x.EnvID}
}

// entriesOut are a config's keys and values by key.
func entriesOut(d map[string]string) []model.ConfigEntry {
	out := make([]model.ConfigEntry, 0, len(d))
	for _, k := range slices.Sorted(maps.Keys(d)) {
		out = append(out, model.ConfigEntry{Key: k, Value: d[k]})
	}
	return out
}

func probeIn(p *model.ProbeInput) *cd.Probe {
	if p == nil {
		return nil
	}
	return &cd.Probe{Type: lower[model.ProbeType, string](&p.Type), Path: graph.Deref(p.Path), Port: graph.Deref(p.Port), Command: p.Command,
		InitialDelaySeconds: graph.Deref(p.InitialDelaySeconds), PeriodSeconds: graph.Deref(p.PeriodSeconds),
		TimeoutSeconds: graph.Deref(p.TimeoutSeconds), FailureThreshold: graph.Deref(p.FailureThreshold), SuccessThreshold: graph.Deref(p.SuccessThreshold)}
}

// backingOut sets the app's workload, export, generation and rollout.
func backingOut(out *model.App, w *cd.Workload, ex *cd.ServiceRef, generation uint64, ro *cd.Rollout) {
	out.Generation = int(generation)
	if ex != nil {
		out.Export = &model.ServiceRef{Namespace: ex.Namespace, Name: ex.Name}
	}
	if w != nil {
		mw := &model.Workload{Image: w.Image, Command: nonNil(w.Command), Args: nonNil(w.Args), Env: make([]model.EnvVar, 0, len(w.Env)),
			Ports: make([]model.PortMapping, 0, len(w.Ports)), Replicas: w.Replicas,
			Resources: model.Resources{
				Requests: model.ResourceList{CPU: graph.Str(w.Resources.Requests.CPU), Memory: graph.Str(w.Resources.Requests.Memory)},
				Limits:   model.ResourceList{CPU: graph.Str(w.Resources.Limits.CPU), Memory: graph.Str(w.Resources.Limits.Memory)}},
			Readiness: probeOut(w.Readiness), Liveness: probeOut(w.Liveness)}
		for _, e := range w.Env {
			v := model.EnvVar{Name: e.Name, Value: e.Value}
			if f := e.From; f != nil {
				v.From = &model.KeyRef{Kind: upper(model.AllSourceKind, f.Kind), Name: f.Name, Key: f.Key}
			}
			mw.Env = append(mw.Env, v)
		}
		mw.EnvFrom = make([]model.EnvFrom, 0, len(w.EnvFrom))
		for _, e := range w.EnvFrom {
			mw.EnvFrom = append(mw.EnvFrom, model.EnvFrom{Kind: upper(model.AllSourceKind, e.Kind), Name: e.Name, Prefix: graph.Str(e.Prefix)})
		}
		mw.Files = make([]model.FileMount, 0, len(w.Files))
		for _, f := range w.Files {
			mw.Files = append(mw.Files, model.FileMount{Kind: upper(model.AllSourceKind, f.Kind), Name: f.Name, Path: f.Path})
		}
		for _, p := range w.Ports {
			mw.Ports = append(mw.Ports, model.PortMapping{Port: p.Port, Protocol: upper(model.AllProtocol, p.Protocol), ContainerPort: p.ContainerPort})
		}
		out.Workload = mw
	}
	if ro != nil {
		r := &model.Rollout{Generation: int(ro.Generation), Desired: ro.Desired, Updated: ro.Updated, Ready: ro.Ready, Available: ro.Available,
			DeploymentGeneration: int(ro.DeploymentGeneration), ObservedGeneration: int(ro.ObservedGeneration), Image: graph.Str(ro.Image),
			Conditions: make([]model.RolloutCondition, 0, len(ro.Conditions)), LastError: graph.Str(ro.LastError),
			CrashLooping: make([]model.PodProblem, 0, len(ro.CrashLooping)), Done: ro.RolledOut(generation),
			Failing: graph.Str(ro.Failing(generation)), ReportedAt: timeOut(ro.ReportedAt)}
		for _, c := range ro.Conditions {
			r.Conditions = append(r.Conditions, model.RolloutCondition{Type: c.Type, Status: c.Status, Reason: graph.Str(c.Reason), Message: graph.Str(c.Message)})
		}
		for _, p := range ro.CrashLooping {
			r.CrashLooping = append(r.CrashLooping, model.PodProblem{Pod: p.Pod, Reason: p.Reason, Restarts: p.Restarts, Message: graph.Str(p.Message)})
		}
		out.Rollout = r
	}
}

func probeOut(p *cd.Probe) *model.Probe {
	if p == nil {
		return nil
	}
	out := &model.Probe{Type: upper(model.AllProbeType, p.Type), Path: graph.Str(p.Path), Command: nonNil(p.Command),
		InitialDelaySeconds: p.InitialDelaySeconds, PeriodSeconds: p.PeriodSeconds, TimeoutSeconds: p.TimeoutSeconds,
		FailureThreshold: p.FailureThreshold, SuccessThreshold: p.SuccessThreshold}
	if p.Port != 0 {
		out.Port = &p.Port
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func routesIn(in []model.RouteInput) []cd.Route {
	out := make([]cd.Route, 0, len(in))
	for _, r := range in {
		out = append(out, cd.Route{Path: r.Path, Target: cd.Backend{Kind: lower[model.RouteTargetKind, string](&r.Target.Kind), Name: r.Target.Name, Port: r.Target.Port}})
	}
	return out
}

func routerOut(x readmodel.Router) *model.Router {
	out := routerFromDomain(cd.Router{ID: x.ID, Name: x.Name, EnvID: x.EnvID, ClusterID: x.ClusterID, Domain: x.Domain, Routes: x.Routes, TLS: x.TLS, Status: x.Status, ClonedFrom: x.ClonedFrom})
	out.CreatedBy, out.CreatedAt, out.UpdatedAt = graph.Str(x.CreatedBy), timeOut(x.CreatedAt), timeOut(x.UpdatedAt)
	return out
}

func routerFromDomain(x cd.Router) *model.Router {
	out := &model.Router{ID: x.ID, Name: x.Name, Cluster: model.Cluster{ID: x.ClusterID}, Domain: x.Domain, TLS: x.TLS, EnvID: x.EnvID,
		Routes: make([]model.Route, 0, len(x.Routes)), ClonedFrom: graph.Str(x.ClonedFrom)}
	for _, r := range x.Routes {
		out.Routes = append(out.Routes, model.Route{Path: r.Path,
			Target: model.RouteTarget{Kind: upper(model.AllRouteTargetKind, r.Target.Kind), Name: r.Target.Name, Port: r.Target.Port}})
	}
	if s := x.Status; s != nil {
		out.Status = &model.RouterStatus{Addresses: append([]string{}, s.Addresses...), LastError: graph.Str(s.LastError), ReportedAt: timeOut(s.Reported)}
	}
	return out
}
