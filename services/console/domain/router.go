package domain

import (
	"fmt"
	"path"
	"reflect"
	"strconv"
	"strings"
	"time"

	"weft.dev/events/event"
	"weft.dev/kernel/fault"
	"weft.dev/kernel/validate"
)

// RouterAggregate is a router (id: a UUID); names are unique among the
// environment's routers (uniq kind RouterNameKind, name "<envID>-<name>").
const (
	RouterAggregate = "router"
	RouterNameKind  = "router"
)

// MaxRoutes bounds a router's routes.
const MaxRoutes = 64

// Router is a public HTTP entry to apps of one environment: its cluster's
// agent (Kubernetes mode) renders it as an Ingress for Domain, one rule
// per route, with TLS when asked (the certificate from the cluster's
// issuer or secret, as its agent is configured).
type Router struct {
	ID         string        `json:"id"`
	Name       string        `json:"name"`
	EnvID      string        `json:"envId"`
	ClusterID  string        `json:"clusterId"`
	Domain     string        `json:"domain"`
	Routes     []Route       `json:"routes"`
	TLS        bool          `json:"tls"`
	Status     *RouterStatus `json:"status,omitempty"`
	Deleted    bool          `json:"deleted,omitempty"`
	ClonedFrom string        `json:"clonedFrom,omitempty"` // the resource it was cloned from
}

// Exists reports whether the router was created and not deleted.
func (r Router) Exists() bool { return r.ID != "" && !r.Deleted }

// Route sends requests whose path starts with Path to a port of an app
// or run service of the router's environment.
type Route struct {
	Path   string  `json:"path"`
	Target Backend `json:"target"`
}

// Backend kinds.
const (
	TargetApp     = "app"
	TargetService = "service"
)

// Backend is an app or managed service of the environment and one of its
// ports.
type Backend struct {
	Kind string `json:"kind"` // app or service
	Name string `json:"name"`
	Port int    `json:"port"`
}

func (t Backend) String() string { return t.Kind + ":" + t.Name + ":" + strconv.Itoa(t.Port) }

// ParseRoute reads PATH=KIND:NAME:PORT (the CLI's --route).
func ParseRoute(field, s string) (Route, error) {
	p, target, ok := strings.Cut(s, "=")
	parts := strings.Split(target, ":")
	if !ok || len(parts) != 3 {
		return Route{}, fault.Invalidf(field, "%q is not PATH=app:NAME:PORT (or service:NAME:PORT)", s)
	}
	port, err := strconv.Atoi(parts[2])
	if err != nil {
		return Route{}, fault.Invalidf(field, "%q: the port is not a number", s)
	}
	return Route{Path: p, Target: Backend{Kind: parts[0], Name: parts[1], Port: port}}, nil
}

// RouterStatus is what the agent of the router's cluster last reported:
// the addresses the ingress controller gives its Ingress.
type RouterStatus struct {
	Addresses []string  `json:"addresses,omitempty"`
	LastError string    `json:"lastError,omitempty"`
	Reported  time.Time `json:"reportedAt"`
}

// Same reports whether two statuses say the same (times aside).
func (s RouterStatus) Same(o RouterStatus) bool {
	return s.LastError == o.LastError && reflect.DeepEqual(s.Addresses, o.Addresses)
}

// RouterCreated: a router was made in an environment.
type RouterCreated struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	EnvID     string  `json:"envId"`
	ClusterID string  `json:"clusterId"`
	Domain    string  `json:"domain"`
	Routes    []Route `json:"routes"`
	TLS       bool    `json:"tls"`
	// ClonedFrom is the id of the resource this one was cloned from
	// (weft env clone); empty for one made otherwise.
	ClonedFrom string `json:"clonedFrom,omitempty"`
}

// RouterUpdated: the router's domain, routes and TLS were replaced.
type RouterUpdated struct {
	ID     string  `json:"id"`
	Domain string  `json:"domain"`
	Routes []Route `json:"routes"`
	TLS    bool    `json:"tls"`
}

// RouterStatusReported: the agent of the router's cluster reported a
// change of its Ingress's status (recorded by the message office).
type RouterStatusReported struct {
	ID        string       `json:"id"`
	ClusterID string       `json:"clusterId"`
	Status    RouterStatus `json:"status"`
}

// RouterDeleted: the router is gone; its name is free.
type RouterDeleted struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	EnvID     string `json:"envId"`
	ClusterID string `json:"clusterId"`
}

// EvolveRouter folds one event into a router.
func EvolveRouter(s Router, r event.Recorded) Router {
	switch e := r.Data.(type) {
	case RouterCreated:
		return Router{ID: e.ID, Name: e.Name, EnvID: e.EnvID, ClusterID: e.ClusterID, Domain: e.Domain, Routes: e.Routes, TLS: e.TLS, ClonedFrom: e.ClonedFrom}
	case RouterUpdated:
		s.Domain, s.Routes, s.TLS = e.Domain, e.Routes, e.TLS
	case RouterStatusReported:
		st := e.Status
		s.Status = &st
	case RouterDeleted:
		s.Deleted = true
	}
	return s
}

// NormalizeDomain checks a router's domain at the edge: a lowercase DNS
// name of at least two labels (a leading "*." for a wildcard), at most 253
// characters.
func NormalizeDomain(field, d string) (string, error) {
	d = strings.TrimSuffix(strings.ToLower(d), ".")
	host := strings.TrimPrefix(d, "*.")
	labels := strings.Split(host, ".")
	if d == "" || len(d) > 253 || len(labels) < 2 {
		return "", fault.Invalidf(field, "%q is not a domain (a DNS name like shop.example.com)", d)
	}
	for _, l := range labels {
		if validate.Name(field, l) != nil {
			return "", fault.Invalidf(field, "%q is not a domain: %q is not a DNS label (letters, digits, '-', at most 63)", d, l)
		}
	}
	return d, nil
}

// NormalizeRoutes checks a router's routes at the edge (their targets'
// existence and ports are the command's, against the log): at least one;
// clean absolute paths, each once; app or service targets with a valid
// name and port. Routes come out as given.
func NormalizeRoutes(routes []Route) ([]Route, error) {
	if len(routes) == 0 {
		return nil, fault.Invalidf("routes", "a router needs at least one route (PATH=app:NAME:PORT)")
	}
	if len(routes) > MaxRoutes {
		return nil, fault.Invalidf("routes", "%d routes; at most %d", len(routes), MaxRoutes)
	}
	seen := map[string]bool{}
	out := make([]Route, 0, len(routes))
	for i, r := range routes {
		field := fmt.Sprintf("routes[%d]", i)
		if !strings.HasPrefix(r.Path, "/") || len(r.Path) > 1024 || path.Clean(r.Path) != r.Path ||
			strings.ContainsAny(r.Path, " \t\r\n\x00?#") {
			return nil, fault.Invalidf(field+".path", "%q is not a clean absolute path (like / or /api)", r.Path)
		}
		if seen[r.Path] {
			return nil, fault.Invalidf(field+".path", "%s is routed twice", r.Path)
		}
		seen[r.Path] = true
		if r.Target.Kind != TargetApp && r.Target.Kind != TargetService {
			return nil, fault.Invalidf(field+".target.kind", "%q is not a target (app or service)", r.Target.Kind)
		}
		if err := validate.Name(field+".target.name", r.Target.Name); err != nil {
			return nil, err
		}
		if err := validate.Port(field+".target.port", r.Target.Port); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// DecideCreateRouter creates router id (input already normalized and its
// targets checked).
func DecideCreateRouter(s Router, id, name, envID, clusterID, domain string, routes []Route, tls bool) ([]any, error) {
	if s.ID != "" {
		return nil, fault.WithKind(ErrExists, fault.Conflictf("router %s already exists", id))
	}
	return []any{RouterCreated{ID: id, Name: name, EnvID: envID, ClusterID: clusterID, Domain: domain, Routes: routes, TLS: tls}}, nil
}

// DecideUpdateRouter replaces a router's domain, routes and TLS; nothing
// when they are as they were.
func DecideUpdateRouter(s Router, domain string, routes []Route, tls bool) ([]any, error) {
	if !s.Exists() {
		return nil, fault.WithKind(ErrNotFound, NotFound("id", "router %s", s.ID))
	}
	if s.Domain == domain && s.TLS == tls && reflect.DeepEqual(s.Routes, routes) {
		return nil, nil
	}
	return []any{RouterUpdated{ID: s.ID, Domain: domain, Routes: routes, TLS: tls}}, nil
}

// DecideReportRouter records what the agent of the router's cluster
// reported, when it changed.
func DecideReportRouter(s Router, clusterID string, st RouterStatus) ([]any, error) {
	if !s.Exists() {
		return nil, fault.WithKind(ErrNotFound, NotFound("id", "router %s", s.ID))
	}
	if s.ClusterID != clusterID {
		return nil, fault.Forbiddenf("router %s is not homed in cluster %s", s.ID, clusterID)
	}
	if s.Status != nil && s.Status.Same(st) {
		return nil, nil
	}
	return []any{RouterStatusReported{ID: s.ID, ClusterID: clusterID, Status: st}}, nil
}

// DecideDeleteRouter deletes a router.
func DecideDeleteRouter(s Router) ([]any, error) {
	if !s.Exists() {
		return nil, fault.WithKind(ErrNotFound, NotFound("id", "router %s", s.ID))
	}
	return []any{RouterDeleted{ID: s.ID, Name: s.Name, EnvID: s.EnvID, ClusterID: s.ClusterID}}, nil
}
