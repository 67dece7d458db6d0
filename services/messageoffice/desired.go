package messageoffice

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"iter"
	"maps"
	"net"
	"sort"
	"strconv"
	"strings"

	"weft.dev/events"
	"weft.dev/events/clusterstate"
	cd "weft.dev/services/console/domain"
	infra "weft.dev/services/infra/domain"
)

// MeshPrefix is the whole weft mesh: every team network lives in it, and a
// policy source "all" means any address in it.
const MeshPrefix = "100.64.0.0/10"

// DefaultZone is the DNS zone names are served under.
const DefaultZone = "weft.internal"

// recordTTL is short: names move when resources are recreated.
const recordTTL = 30

// Desired is one cluster's desired state, whichever stream holds each
// entry: the JSON value of every entry by clusterstate.Key.
type Desired map[string][]byte

// entry is one subject's value without its stream.
type entry struct {
	kind, id string
	data     []byte
	// keep: the entry should be there but could not be made now (a
	// secret whose values did not open): what the stream holds stays,
	// rather than a tombstone that would delete the agent's Secret.
	keep bool
}

func newEntry(kind, id string, v any) (entry, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return entry{}, fmt.Errorf("desired state: %s %s: %w", kind, id, err)
	}
	return entry{kind: kind, id: id, data: b}, nil
}

// sharedEntries are the team stream's: every gateway that reported its
// key (each skipped by its own agent), every device as a peer, and the
// whole team's names.
func sharedEntries(tm *Team, zone string) ([]entry, error) {
	out := make([]entry, 0, len(tm.Clusters)+2*len(tm.Devices)+len(tm.Workloads))
	for _, keys := range []func(yield func(string, string) bool){tm.peerIDs, tm.recordIDs} {
		for kind, id := range keys {
			e, ok, err := sharedEntry(tm, zone, kind, id)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, e)
			}
		}
	}
	return out, nil
}

// peerIDs and recordIDs are every id that may have a team-wide entry.
func (tm *Team) peerIDs(yield func(string, string) bool) {
	for id := range tm.Clusters {
		if !yield(clusterstate.KindPeer, id) {
			return
		}
	}
	for id := range tm.Devices {
		if !yield(clusterstate.KindPeer, id) {
			return
		}
	}
}

func (tm *Team) recordIDs(yield func(string, string) bool) {
	for _, ids := range []iter.Seq[string]{maps.Keys(tm.Workloads), maps.Keys(tm.Devices), maps.Keys(tm.Clusters)} {
		for id := range ids {
			if !yield(clusterstate.KindDNS, id) {
				return
			}
		}
	}
}

// sharedEntry is the team-wide entry kind/id as the topology has it now;
// false when there is none (deleted, or a gateway without a key yet).
func sharedEntry(tm *Team, zone, kind, id string) (entry, bool, error) {
	switch kind {
	case clusterstate.KindPeer:
		if o := tm.Clusters[id]; o != nil {
			if o.PublicKey == "" {
				return entry{}, false, nil
			}
			e, err := newEntry(kind, id, clusterstate.Peer{
				ID: o.ID, Kind: "gateway", Name: o.Name, PublicKey: o.PublicKey,
				AllowedIPs: []string{o.GatewayIP + "/32", o.ServiceRange}, Endpoint: o.Endpoint, Keepalive: 25,
			})
			return e, err == nil, err
		}
		if d := tm.Devices[id]; d != nil {
			e, err := newEntry(kind, id, clusterstate.Peer{
				ID: d.ID, Kind: "device", Name: d.Name, PublicKey: d.PublicKey, AllowedIPs: []string{d.IP + "/32"},
			})
			return e, err == nil, err
		}
	case clusterstate.KindDNS:
		if r, ok := recordOf(tm, zone, id); ok {
			e, err := newEntry(kind, id, r)
			return e, err == nil, err
		}
	}
	return entry{}, false, nil
}

// changedShared lists the team-wide entries an event (already applied to
// tm) may have changed, as kind and id pairs; every other entry is as it
// was. Each of these events has the resource it changes as its aggregate.
// Keeping this in step with sharedEntry is what the random-changes test
// checks against a rebuild.
func changedShared(r events.Recorded, tm *Team) [][2]string {
	id := r.Aggregate.ID
	switch r.Data.(type) {
	case infra.ClusterCreated, infra.ClusterGatewayReported, infra.ClusterDeleted,
		infra.DeviceCreated, infra.DeviceKeyRotated, infra.DeviceDeleted:
		return [][2]string{{clusterstate.KindPeer, id}, {clusterstate.KindDNS, id}}
	case cd.EnvCreated, cd.EnvDeleted:
		// An environment names its workloads.
		var out [][2]string
		for _, w := range tm.Workloads {
			if w.EnvID == id {
				out = append(out, [2]string{clusterstate.KindDNS, w.ID})
			}
		}
		return out
	case cd.AppCreated, cd.AppUpdated, cd.AppDeleted, cd.ServiceCreated, cd.ServiceUpdated, cd.ServiceDeleted:
		return [][2]string{{clusterstate.KindDNS, id}}
	}
	return nil
}

// changesOwn reports whether an event (already applied to tm) may change
// any cluster's own entries (self, routes). Devices and gateway keys reach
// routes only through policy sources.
func changesOwn(r events.Recorded, tm *Team) bool {
	switch r.Data.(type) {
	case infra.ClusterGatewayReported:
		return false
	case infra.DeviceCreated, infra.DeviceKeyRotated, infra.DeviceDeleted:
		return len(tm.Policies) > 0
	}
	return true
}

// ownEntries are one cluster's own: its gateway's self, the routes of
// the apps and managed services homed there, and its Kubernetes objects:
// the namespaces of its environments, its apps' workloads and exports,
// and, when its agent runs in Kubernetes mode, imports of the team's
// apps and managed services homed elsewhere. An import's value is the same
// in every cluster: imports holds those encoded for this write, so a team
// of many Kubernetes clusters encodes each once, not once per cluster.
func ownEntries(tm *Team, clusterID, zone string, imports map[string]entry, sealFor sealer) ([]entry, error) {
	c := tm.Clusters[clusterID]
	if c == nil {
		return nil, fmt.Errorf("desired state: no cluster %s in team %s", clusterID, tm.Slug)
	}
	self, err := newEntry(clusterstate.KindSelf, "", clusterstate.Self{
		ClusterID: c.ID, ClusterName: c.Name, Team: tm.Slug, Address: c.GatewayIP + "/32",
		ServiceRange: c.ServiceRange, MeshRoutes: []string{MeshPrefix}, Zone: zone,
	})
	if err != nil {
		return nil, err
	}
	out := []entry{self}
	add := func(kind, id string, v any) error {
		e, err := newEntry(kind, id, v)
		if err == nil {
			out = append(out, e)
		}
		return err
	}
	for _, env := range tm.Envs {
		if env.ClusterID == c.ID {
			if err := add(clusterstate.KindNamespace, env.ID, namespace(tm, env)); err != nil {
				return nil, err
			}
		}
	}
	for _, cf := range tm.Configs {
		if env := tm.Envs[cf.EnvID]; env != nil && cf.ClusterID == c.ID {
			if err := add(clusterstate.KindConfig, cf.ID, configMap(tm, env, cf)); err != nil {
				return nil, err
			}
		}
	}
	for _, sec := range tm.Secrets {
		env := tm.Envs[sec.EnvID]
		if env == nil || sec.ClusterID != c.ID || sealFor == nil {
			continue
		}
		sealed, ok := sealFor(tm.Slug, c, sec)
		if !ok {
			out = append(out, entry{kind: clusterstate.KindSecret, id: sec.ID, keep: true})
			continue
		}
		l := labels(tm, env, nil, clusterstate.RoleSecret)
		l[clusterstate.LabelSecretID] = sec.ID
		if err := add(clusterstate.KindSecret, sec.ID, clusterstate.Secret{ID: sec.ID, Name: sec.Name,
			Namespace: clusterstate.NamespaceName(env.Name), Env: env.Name, Labels: l, Version: sec.Version, Sealed: sealed}); err != nil {
			return nil, err
		}
	}
	for _, x := range tm.Routers {
		env := tm.Envs[x.EnvID]
		// A router without a domain (a clone's copy until given one) has
		// no Ingress: one without a host would take every host's traffic.
		if x.ClusterID != c.ID || env == nil || x.Domain == "" {
			continue
		}
		if err := add(clusterstate.KindRouter, x.ID, router(tm, env, x)); err != nil {
			return nil, err
		}
	}
	for _, p := range tm.Purges {
		if p.ClusterID != c.ID || p.Namespace == "" {
			continue
		}
		if err := add(clusterstate.KindManaged, p.ID, clusterstate.Managed{ID: p.ID, Name: p.Name, Namespace: p.Namespace, Env: p.Env,
			Kind: p.Kind, Labels: p.Labels, Purge: true}); err != nil {
			return nil, err
		}
	}
	for _, w := range tm.Workloads {
		env := tm.Envs[w.EnvID]
		if w.ClusterID != c.ID {
			if c.Kubernetes != "" && env != nil {
				e, ok := imports[w.ID]
				if !ok {
					if e, err = newEntry(clusterstate.KindImport, w.ID, importOf(tm, env, w)); err != nil {
						return nil, err
					}
					imports[w.ID] = e
				}
				out = append(out, e)
			}
			continue
		}
		if err := add(clusterstate.KindRoute, w.ID, route(tm, w)); err != nil {
			return nil, err
		}
		switch {
		case env == nil:
		case w.Container != nil:
			err = add(clusterstate.KindWorkload, w.ID, workload(tm, env, w))
		case w.Instance != nil:
			err = add(clusterstate.KindManaged, w.ID, managed(tm, env, w))
		case w.Export != nil:
			err = add(clusterstate.KindExport, w.ID, clusterstate.Export{
				ID: w.ID, Name: w.Name, Env: env.Name, Namespace: w.Export.Namespace, Service: w.Export.Name, Ports: ports(w),
			})
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// labels are the labels of weft's Kubernetes objects for env (and w, when
// not nil) in role.
func labels(tm *Team, env *Env, w *Workload, role string) map[string]string {
	l := map[string]string{
		clusterstate.LabelManagedBy: clusterstate.ManagedBy,
		clusterstate.LabelTeam:      tm.Slug,
		clusterstate.LabelEnv:       env.Name,
		clusterstate.LabelEnvID:     env.ID,
		clusterstate.LabelRole:      role,
	}
	if w != nil {
		l[clusterstate.LabelApp] = w.Name
		l[clusterstate.LabelAppID] = w.ID
	}
	return l
}

func namespace(tm *Team, env *Env) clusterstate.Namespace {
	return clusterstate.Namespace{ID: env.ID, Name: clusterstate.NamespaceName(env.Name), Env: env.Name, Team: tm.Slug,
		Labels: labels(tm, env, nil, clusterstate.RoleEnv)}
}

// servicePorts are a workload's ports as a Kubernetes Service has them:
// named after protocol and port, HTTP as TCP with appProtocol http, to
// targets (the container's port of each; the port itself when nil).
func servicePorts(w *Workload, targets map[cd.Port]int) []clusterstate.ServicePort {
	var out []clusterstate.ServicePort
	for _, p := range w.Spec.Ports {
		sp := clusterstate.ServicePort{Name: clusterstate.PortName(string(p.Protocol), p.Port), Port: p.Port, Protocol: string(p.Protocol), TargetPort: p.Port}
		if p.Protocol == cd.HTTP {
			sp.Protocol, sp.AppProto = "tcp", "http"
		}
		if t, ok := targets[p]; ok {
			sp.TargetPort = t
		}
		out = append(out, sp)
	}
	return out
}

func workload(tm *Team, env *Env, w *Workload) clusterstate.Workload {
	c := w.Container
	targets := map[cd.Port]int{}
	for _, m := range c.Ports {
		targets[cd.Port{Port: m.Port, Protocol: m.Protocol}] = m.ContainerPort
	}
	sps := servicePorts(w, targets)
	out := clusterstate.Workload{
		ID: w.ID, Name: w.Name, Namespace: clusterstate.NamespaceName(env.Name), Env: env.Name, Generation: w.Generation,
		Labels: labels(tm, env, w, clusterstate.RoleWorkload), Replicas: int32(c.Replicas), Ports: sps,
		Container: clusterstate.Container{
			Image: c.Image, Command: c.Command, Args: c.Args,
			Resources: clusterstate.Resources{
				Requests: clusterstate.ResourceList{CPU: c.Resources.Requests.CPU, Memory: c.Resources.Requests.Memory},
				Limits:   clusterstate.ResourceList{CPU: c.Resources.Limits.CPU, Memory: c.Resources.Limits.Memory},
			},
			Readiness: probe(c.Readiness), Liveness: probe(c.Liveness),
		},
	}
	for _, e := range c.Env {
		v := clusterstate.EnvVar{Name: e.Name, Value: e.Value}
		if e.From != nil {
			k, n := sourceKind(e.From.Kind, e.From.Name)
			v.From = &clusterstate.KeyRef{Kind: k, Name: n, Key: e.From.Key}
		}
		out.Container.Env = append(out.Container.Env, v)
	}
	for _, e := range c.EnvFrom {
		k, n := sourceKind(e.Kind, e.Name)
		out.Container.EnvFrom = append(out.Container.EnvFrom, clusterstate.EnvFrom{Kind: k, Name: n, Prefix: e.Prefix})
	}
	for _, f := range c.Files {
		k, n := sourceKind(f.Kind, f.Name)
		out.Container.Files = append(out.Container.Files, clusterstate.FileMount{Kind: k, Name: n, Path: f.Path})
	}
	out.SourcesDigest = sourcesDigest(tm, w.EnvID, c.Sources())
	// One container port per port and protocol, named after the first
	// Service port that targets it.
	seen := map[[2]any]bool{}
	for _, sp := range sps {
		k := [2]any{sp.TargetPort, sp.Protocol}
		if seen[k] {
			continue
		}
		seen[k] = true
		out.Container.Ports = append(out.Container.Ports, clusterstate.ContainerPort{Name: sp.Name, ContainerPort: sp.TargetPort, Protocol: sp.Protocol})
	}
	return out
}

// sourceKind is the Kubernetes object a workload source is rendered as,
// and its name: a run service's credentials are a Secret of its own.
func sourceKind(kind, name string) (string, string) {
	switch kind {
	case cd.SourceConfig:
		return clusterstate.SourceConfigMap, name
	case cd.SourceSecret:
		return clusterstate.SourceSecret, name
	case cd.SourceService:
		return clusterstate.SourceSecret, clusterstate.CredentialsSecretName(name)
	}
	return kind, name
}

// managed is a run service as its cluster's agent applies it.
func managed(tm *Team, env *Env, w *Workload) clusterstate.Managed {
	return clusterstate.Managed{ID: w.ID, Name: w.Name, Namespace: clusterstate.NamespaceName(env.Name), Env: env.Name,
		Kind: string(w.ServiceKind), Version: w.Instance.Version, Storage: w.Instance.Storage, Port: cd.KindPort(w.ServiceKind),
		Labels: labels(tm, env, w, clusterstate.RoleManaged), CredentialsKey: w.Instance.CredentialsKey, CredentialsSource: w.CredentialsSource}
}

// configMap is a config as its cluster's agent applies it: a ConfigMap of
// the config's name in the environment's namespace.
func configMap(tm *Team, env *Env, cf *EnvConfig) clusterstate.ConfigMap {
	l := labels(tm, env, nil, clusterstate.RoleConfig)
	l[clusterstate.LabelConfigID] = cf.ID
	data := cf.Data
	if data == nil {
		data = map[string]string{}
	}
	return clusterstate.ConfigMap{ID: cf.ID, Name: cf.Name, Namespace: clusterstate.NamespaceName(env.Name), Env: env.Name, Labels: l, Data: data}
}

// sourcesDigest sums what a workload's pods take from the configs of
// environment envID it names: each config's name and keys and values in
// order (a config not there counts as empty). It is empty when the
// workload names none, so workloads without configs keep the pod template
// they had.
func sourcesDigest(tm *Team, envID string, srcs []cd.Source) string {
	if len(srcs) == 0 {
		return ""
	}
	byName := map[string]*EnvConfig{}
	for _, cf := range tm.Configs {
		if cf.EnvID == envID {
			byName[cf.Name] = cf
		}
	}
	// A secret counts by the version of its values, never by a value.
	secrets := map[string]*EnvSecret{}
	for _, s := range tm.Secrets {
		if s.EnvID == envID {
			secrets[s.Name] = s
		}
	}
	services := map[string]*Workload{}
	for _, w := range tm.Workloads {
		if w.EnvID == envID && w.Instance != nil {
			services[w.Name] = w
		}
	}
	names := make([]string, 0, len(srcs))
	for _, s := range srcs {
		names = append(names, s.String())
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		kind, name, _ := strings.Cut(n, ":")
		writeLen(h, kind)
		writeLen(h, name)
		var data map[string]string
		if cf := byName[name]; cf != nil && kind == cd.SourceConfig {
			data = cf.Data
		}
		if s := secrets[name]; s != nil && kind == cd.SourceSecret {
			data = map[string]string{"version": strconv.FormatUint(s.Version, 10)}
		}
		if s := services[name]; s != nil && kind == cd.SourceService {
			// New credentials (a Secret made again) roll the apps.
			data = map[string]string{"credentials": s.CredentialsSource}
		}
		keys := make([]string, 0, len(data))
		for k := range data {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(keys))))
		for _, k := range keys {
			writeLen(h, k)
			writeLen(h, data[k])
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// writeLen writes s length-prefixed, so no two lists sum alike.
func writeLen(h hash.Hash, s string) {
	h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(s))))
	h.Write([]byte(s))
}

func probe(p *cd.Probe) *clusterstate.Probe {
	if p == nil {
		return nil
	}
	return &clusterstate.Probe{Kind: p.Type, Path: p.Path, Port: p.Port, Exec: p.Command,
		InitialDelaySeconds: int32(p.InitialDelaySeconds), PeriodSeconds: int32(p.PeriodSeconds), TimeoutSeconds: int32(p.TimeoutSeconds),
		FailureThreshold: int32(p.FailureThreshold), SuccessThreshold: int32(p.SuccessThreshold)}
}

// importOf is w, homed in another cluster, as a Service of this one.
func importOf(tm *Team, env *Env, w *Workload) clusterstate.Import {
	return clusterstate.Import{
		ID: w.ID, Kind: w.Kind, Name: w.Name, Namespace: clusterstate.NamespaceName(env.Name), Env: env.Name, Cluster: w.ClusterID,
		ServiceIP: w.ServiceIP, Labels: labels(tm, env, w, clusterstate.RoleImport),
		NamespaceLabels: labels(tm, env, nil, clusterstate.RoleImport), Ports: servicePorts(w, nil),
	}
}

// recordOf is the DNS record of the workload, device or cluster id.
func recordOf(tm *Team, zone, id string) (clusterstate.Record, bool) {
	if w := tm.Workloads[id]; w != nil {
		env := tm.Envs[w.EnvID]
		if env == nil {
			return clusterstate.Record{}, false
		}
		return clusterstate.Record{ID: w.ID, Name: w.Name + "." + env.Name + "." + tm.Slug + "." + zone, IPs: []string{w.ServiceIP}, TTL: recordTTL, Ports: ports(w)}, true
	}
	if d := tm.Devices[id]; d != nil {
		return clusterstate.Record{ID: d.ID, Name: d.Name + "." + tm.Slug + "." + zone, IPs: []string{d.IP}, TTL: recordTTL}, true
	}
	if o := tm.Clusters[id]; o != nil {
		return clusterstate.Record{ID: o.ID, Name: o.Name + "." + tm.Slug + "." + zone, IPs: []string{o.GatewayIP}, TTL: recordTTL}, true
	}
	return clusterstate.Record{}, false
}

// ports are a workload's ports as the proxy and DNS see them: HTTP is TCP
// to the proxy, and named "http" for SRV.
func ports(w *Workload) []clusterstate.Port {
	var out []clusterstate.Port
	for _, p := range w.Spec.Ports {
		cp := clusterstate.Port{Port: p.Port, Protocol: string(p.Protocol)}
		if p.Protocol == cd.HTTP {
			cp.Name, cp.Protocol = "http", "tcp"
		}
		out = append(out, cp)
	}
	return out
}

func route(tm *Team, w *Workload) clusterstate.Route {
	r := clusterstate.Route{
		ID: w.ID, Kind: w.Kind, Name: w.Name, ServiceIP: w.ServiceIP,
		Backends: append([]string(nil), w.Spec.Backends...), Balance: string(w.Spec.LB),
	}
	env := tm.Envs[w.EnvID]
	if env != nil {
		r.Env = env.Name
	}
	switch {
	case (w.Container != nil || w.Instance != nil) && env != nil:
		r.Endpoints = &clusterstate.EndpointSource{Namespace: clusterstate.NamespaceName(env.Name), Service: w.Name}
	case w.Export != nil:
		r.Endpoints = &clusterstate.EndpointSource{Namespace: w.Export.Namespace, Service: w.Export.Name}
	}
	for _, p := range ports(w) {
		r.Ports = append(r.Ports, clusterstate.Port{Port: p.Port, Protocol: p.Protocol})
	}
	if h := w.Spec.Health; h.Type != "" {
		r.Health = &clusterstate.Health{
			Kind: h.Type, Path: h.Path,
			Interval: strconv.Itoa(h.IntervalSeconds) + "s", Timeout: strconv.Itoa(h.TimeoutSeconds) + "s",
			Unhealthy: h.UnhealthyThreshold, Healthy: h.HealthyThreshold,
		}
	}
	for _, ic := range tm.Intercepts {
		if ic.AppID != w.ID {
			continue
		}
		port := ic.TargetPort
		if port == 0 {
			port = ic.Port.Port
		}
		proto := string(ic.Port.Protocol)
		if ic.Port.Protocol == cd.HTTP {
			proto = "tcp"
		}
		r.Intercept = append(r.Intercept, clusterstate.Intercept{
			ID: ic.ID, Port: ic.Port.Port, Protocol: proto, Target: net.JoinHostPort(ic.TargetIP, strconv.Itoa(port)), DeviceID: ic.DeviceID,
		})
	}
	sort.Slice(r.Intercept, func(i, j int) bool { return r.Intercept[i].Port < r.Intercept[j].Port })
	for _, p := range tm.Policies {
		if !targets(p.Rule, w) {
			continue
		}
		r.Access = append(r.Access, clusterstate.AccessRule{
			PolicyID: p.ID, Priority: p.Rule.Priority, Allow: p.Rule.Action == cd.Allow, From: sources(tm, p.Rule.Sources),
		})
	}
	// Highest priority first; ties broken by id so the value is stable.
	sort.Slice(r.Access, func(i, j int) bool {
		if r.Access[i].Priority != r.Access[j].Priority {
			return r.Access[i].Priority > r.Access[j].Priority
		}
		return r.Access[i].PolicyID < r.Access[j].PolicyID
	})
	return r
}

// targets reports whether a rule applies to connections to w.
func targets(rule cd.Rule, w *Workload) bool {
	for _, t := range rule.Targets {
		switch {
		case t.Kind == cd.SubjectAll,
			t.Kind == cd.SubjectApp && t.ID == w.ID,
			t.Kind == cd.SubjectEnv && t.ID == w.EnvID:
			return true
		}
	}
	return false
}

// sources resolves a rule's sources to the prefixes their traffic comes
// from, sorted and without duplicates.
func sources(tm *Team, subs []cd.Subject) []string {
	set := map[string]bool{}
	for _, s := range subs {
		switch s.Kind {
		case cd.SubjectAll:
			set[MeshPrefix] = true
		case cd.SubjectDevice:
			if d := tm.Devices[s.ID]; d != nil {
				set[d.IP+"/32"] = true
			}
		case cd.SubjectUser:
			for _, d := range tm.Devices {
				if d.Owner == s.ID {
					set[d.IP+"/32"] = true
				}
			}
		case cd.SubjectCluster:
			if c := tm.Clusters[s.ID]; c != nil {
				set[c.GatewayIP+"/32"] = true
				set[c.ServiceRange] = true
			}
		case cd.SubjectEnv:
			for _, w := range tm.Workloads {
				if w.EnvID == s.ID {
					set[w.ServiceIP+"/32"] = true
				}
			}
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// sealer returns a secret's values sealed to the agent of cluster c
// (false: not now, e.g. its agent has not reported its sealing key).
type sealer func(team string, c *Cluster, s *EnvSecret) (map[string]string, bool)

// sealedKey names one sealing of a secret's values for one agent.
type sealedKey struct {
	cluster, secret, sealingKey string
	version                     uint64
}

// router is a router as its cluster's agent applies it: an Ingress whose
// rules lead to the Services of the apps and run services named (each
// called after its app, with the app's ports).
func router(tm *Team, env *Env, x *cd.Router) clusterstate.Router {
	l := labels(tm, env, nil, clusterstate.RoleRouter)
	l[clusterstate.LabelRouterID] = x.ID
	out := clusterstate.Router{ID: x.ID, Name: x.Name, Namespace: clusterstate.NamespaceName(env.Name), Env: env.Name,
		Host: x.Domain, TLS: x.TLS, Labels: l}
	for _, r := range x.Routes {
		out.Rules = append(out.Rules, clusterstate.IngressRule{Path: r.Path, Service: r.Target.Name, Port: r.Target.Port})
	}
	return out
}
