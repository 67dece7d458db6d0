package domain

import (
	"time"

	"weft.dev/events/event"
	"weft.dev/kernel/fault"
)

// Intercept is one redirection of an app port to a device's address.
type Intercept struct {
	ID         string    `json:"id"`
	AppID      string    `json:"appId"`
	EnvID      string    `json:"envId"`
	Port       Port      `json:"port"`
	DeviceID   string    `json:"deviceId"`
	TargetIP   string    `json:"targetIp"`
	TargetPort int       `json:"targetPort"`
	StartedBy  string    `json:"startedBy"`
	StartedAt  time.Time `json:"startedAt"`
	Active     bool      `json:"active"`
	StoppedBy  string    `json:"stoppedBy,omitempty"`
	StoppedAt  time.Time `json:"stoppedAt,omitzero"`
}

// Target is where intercepted traffic goes, "ip:port".
func (i Intercept) Target() string {
	a, err := netipAddrPort(i.TargetIP, i.TargetPort)
	if err != nil {
		return ""
	}
	return a
}

// EvolveIntercept folds one event into an intercept.
func EvolveIntercept(s Intercept, r event.Recorded) Intercept {
	switch e := r.Data.(type) {
	case InterceptStarted:
		return Intercept{
			ID: e.ID, AppID: e.AppID, EnvID: e.EnvID, Port: e.Port, DeviceID: e.DeviceID,
			TargetIP: e.TargetIP, TargetPort: e.TargetPort, StartedBy: e.StartedBy, StartedAt: r.Time, Active: true,
		}
	case InterceptStopped:
		s.Active, s.StoppedBy, s.StoppedAt = false, e.StoppedBy, r.Time
	}
	return s
}

// DecideStartIntercept starts intercept start.ID; the id must be unused.
// That the port is free is the app's decision (DecideAttachIntercept),
// appended atomically with this one.
func DecideStartIntercept(s Intercept, start InterceptStarted) ([]any, error) {
	if s.ID != "" {
		return nil, fault.WithKind(ErrExists, fault.Conflictf("intercept %s already exists", s.ID))
	}
	return []any{start}, nil
}

// DecideStopIntercept stops an active intercept; stopping a stopped one
// does nothing (a retried stop succeeds).
func DecideStopIntercept(s Intercept, by string) ([]any, error) {
	if s.ID == "" {
		return nil, fault.WithKind(ErrNotFound, NotFound("intercept", "intercept"))
	}
	if !s.Active {
		return nil, nil
	}
	return []any{InterceptStopped{ID: s.ID, AppID: s.AppID, Port: s.Port, StoppedBy: by}}, nil
}
