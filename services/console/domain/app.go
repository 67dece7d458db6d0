package domain

import (
	"maps"
	"reflect"

	"weft.dev/events/event"
	"weft.dev/kernel/fault"
)

// App is an app's state.
type App struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	EnvID     string `json:"envId"`
	ClusterID string `json:"clusterId"`
	ServiceIP string `json:"serviceIp"`
	Spec      Spec   `json:"spec"`
	// Workload and Export: at most one; none for an app of fixed backends.
	Workload *Workload   `json:"workload,omitempty"`
	Export   *ServiceRef `json:"export,omitempty"`
	// Generation is the sequence of the app's last change of spec, workload
	// or export: what its cluster's agent rolls out and reports against.
	Generation uint64 `json:"generation,omitempty"`
	// Rollout is the last rollout its cluster's agent reported.
	Rollout *Rollout `json:"rollout,omitempty"`
	// Intercepts maps an intercepted port ("80/tcp") to its intercept's id.
	Intercepts map[string]string `json:"intercepts,omitempty"`
	Deleted    bool              `json:"deleted,omitempty"`
	ClonedFrom string            `json:"clonedFrom,omitempty"` // the resource it was cloned from
}

// Exists reports whether the app was created and not deleted.
func (a App) Exists() bool { return a.ID != "" && !a.Deleted }

// EvolveApp folds one event into an app. It never mutates the input's map.
func EvolveApp(s App, r event.Recorded) App {
	switch e := r.Data.(type) {
	case AppCreated:
		return App{ID: e.ID, Name: e.Name, EnvID: e.EnvID, ClusterID: e.ClusterID, ServiceIP: e.ServiceIP, Spec: e.Spec,
			Workload: e.Workload, Export: e.Export, Generation: r.Seq, ClonedFrom: e.ClonedFrom}
	case AppUpdated:
		s.Spec, s.Workload, s.Export, s.Generation = e.Spec, e.Workload, e.Export, r.Seq
	case AppRolloutReported:
		ro := e.Rollout
		s.Rollout = &ro
	case AppDeleted:
		s.Deleted = true
	case AppInterceptAttached:
		s.Intercepts = maps.Clone(s.Intercepts)
		if s.Intercepts == nil {
			s.Intercepts = map[string]string{}
		}
		s.Intercepts[e.Port.String()] = e.InterceptID
	case AppInterceptDetached:
		s.Intercepts = maps.Clone(s.Intercepts)
		delete(s.Intercepts, e.Port.String())
	}
	return s
}

func appMissing(s App) error {
	return fault.WithKind(ErrNotFound, NotFound("app", "app %s", s.ID))
}

// DecideUpdateApp replaces the spec and backing (already normalized). A
// port that is intercepted may not be removed.
func DecideUpdateApp(s App, spec Spec, b Backing) ([]any, error) {
	if !s.Exists() {
		return nil, appMissing(s)
	}
	for port, ic := range s.Intercepts {
		still := false
		for _, p := range spec.Ports {
			still = still || p.String() == port
		}
		if !still {
			return nil, fault.WithKind(ErrHasIntercepts, &fault.Error{Code: fault.Conflict, Field: "spec.ports",
				Msg: "port " + port + " is intercepted (intercept " + ic + "); stop the intercept before removing the port"})
		}
	}
	if reflect.DeepEqual(s.Spec, spec) && reflect.DeepEqual(s.Workload, b.Workload) && reflect.DeepEqual(s.Export, b.Export) {
		return nil, nil
	}
	return []any{AppUpdated{ID: s.ID, Spec: spec, Workload: b.Workload, Export: b.Export}}, nil
}

// DecideDeleteApp deletes an app that has no active intercept.
func DecideDeleteApp(s App) ([]any, error) {
	if !s.Exists() {
		return nil, appMissing(s)
	}
	if len(s.Intercepts) > 0 {
		return nil, fault.WithKind(ErrHasIntercepts, fault.Conflictf("app %s has %d active intercept(s); stop them first", s.Name, len(s.Intercepts)))
	}
	return []any{AppDeleted{ID: s.ID, Name: s.Name, EnvID: s.EnvID, ClusterID: s.ClusterID, ServiceIP: s.ServiceIP}}, nil
}

// DecideAttachIntercept marks port as intercepted by interceptID: refused
// when the app lacks the port or another intercept holds it.
func DecideAttachIntercept(s App, interceptID string, port Port) ([]any, error) {
	if !s.Exists() {
		return nil, appMissing(s)
	}
	if !s.Spec.Has(port) {
		return nil, fault.WithKind(ErrUnknownPort, fault.Invalidf("port", "app %s has no port %s", s.Name, port))
	}
	if cur, ok := s.Intercepts[port.String()]; ok {
		if cur == interceptID {
			return nil, nil
		}
		return nil, fault.WithKind(ErrPortIntercepted, &fault.Error{Code: fault.Conflict, Field: "port",
			Msg: "port " + port.String() + " of app " + s.Name + " is already intercepted (intercept " + cur + ")"})
	}
	return []any{AppInterceptAttached{ID: s.ID, InterceptID: interceptID, Port: port}}, nil
}

// DecideDetachIntercept frees port if interceptID holds it; nothing otherwise.
func DecideDetachIntercept(s App, interceptID string, port Port) []any {
	if s.ID == "" || s.Intercepts[port.String()] != interceptID {
		return nil
	}
	return []any{AppInterceptDetached{ID: s.ID, InterceptID: interceptID, Port: port}}
}

// DecideReportRollout records what the agent of the app's cluster reported
// of its rollout, when it differs from the last record (the report's time
// aside). A report from another cluster, or for an app without a
// workload or export, is refused.
func DecideReportRollout(s App, clusterID string, r Rollout) ([]any, error) {
	if !s.Exists() {
		return nil, appMissing(s)
	}
	if s.ClusterID != clusterID {
		return nil, fault.Forbiddenf("app %s is not homed in cluster %s", s.ID, clusterID)
	}
	if s.Workload == nil && s.Export == nil {
		return nil, fault.Invalidf("id", "app %s has no workload to report on", s.ID)
	}
	if s.Rollout != nil && s.Rollout.Same(r) {
		return nil, nil
	}
	return []any{AppRolloutReported{ID: s.ID, ClusterID: clusterID, Rollout: r}}, nil
}
