package command

import (
	"context"
	"fmt"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/kernel/validate"
	cd "weft.dev/services/console/domain"
)

// StartInterceptInput redirects one port of an app to a device.
type StartInterceptInput struct {
	Team     string
	AppID    string
	Port     int
	Protocol cd.Protocol // may be empty when the app has Port on one protocol only
	DeviceID string
	// TargetPort is the port on the device; 0 means the same as Port.
	TargetPort int
}

// StartIntercept sends the traffic of an app's port to a device of the team
// (members). At most one intercept is active per app port: the app
// aggregate records it, appended atomically with the intercept, so of two
// concurrent starts on one port exactly one succeeds and the other gets
// CONFLICT. The caller is recorded as the intercept's starter.
func (h *Handlers) StartIntercept(ctx context.Context, p auth.Principal, in StartInterceptInput) (Result[cd.Intercept], error) {
	if err := p.Require(in.Team, auth.Member); err != nil {
		return Result[cd.Intercept]{}, err
	}
	if err := checkID("appId", in.AppID); err != nil {
		return Result[cd.Intercept]{}, err
	}
	if err := validate.Port("port", in.Port); err != nil {
		return Result[cd.Intercept]{}, err
	}
	switch in.Protocol {
	case "", cd.TCP, cd.UDP, cd.HTTP:
	default:
		return Result[cd.Intercept]{}, fault.Invalidf("protocol", "%q is not tcp, udp or http", in.Protocol)
	}
	if err := checkID("deviceId", in.DeviceID); err != nil {
		return Result[cd.Intercept]{}, err
	}
	if in.TargetPort == 0 {
		in.TargetPort = in.Port
	}
	if err := validate.Port("targetPort", in.TargetPort); err != nil {
		return Result[cd.Intercept]{}, err
	}
	appRef := events.AggregateRef{Type: cd.AppAggregate, ID: in.AppID}
	app, _, err := events.LoadState(ctx, h.store, in.Team, appRef, cd.EvolveApp)
	if err != nil {
		return Result[cd.Intercept]{}, fmt.Errorf("start intercept: %w", err)
	}
	if !app.Exists() {
		return Result[cd.Intercept]{}, cd.NotFound("appId", "app %s", in.AppID)
	}
	port, err := pickPort(app, in.Port, in.Protocol)
	if err != nil {
		return Result[cd.Intercept]{}, err
	}
	dev, err := h.device(ctx, in.Team, in.DeviceID)
	if err != nil {
		return Result[cd.Intercept]{}, fmt.Errorf("start intercept: %w", err)
	}
	if !dev.Created || dev.Deleted {
		return Result[cd.Intercept]{}, cd.NotFound("deviceId", "device %s", in.DeviceID)
	}
	id, err := events.NewID()
	if err != nil {
		return Result[cd.Intercept]{}, err
	}
	started := cd.InterceptStarted{
		ID: id, AppID: app.ID, EnvID: app.EnvID, Port: port, DeviceID: dev.ID,
		TargetIP: dev.IP, TargetPort: in.TargetPort, StartedBy: p.UserID,
	}
	icRef := events.AggregateRef{Type: cd.InterceptAggregate, ID: id}
	res, err := events.Handle(ctx, h.store, events.Command[cd.App]{
		Team: in.Team, Aggregate: appRef, Actor: p.Actor(),
		Evolve: cd.EvolveApp,
		Decide: func(s cd.App) ([]any, error) { return cd.DecideAttachIntercept(s, id, port) },
		Also: func(ctx context.Context, _ cd.App, _ []any) ([]events.Write, error) {
			evs, err := cd.DecideStartIntercept(cd.Intercept{}, started)
			if err != nil {
				return nil, err
			}
			return []events.Write{{Expected: 0, Events: []events.Event{{Team: in.Team, Aggregate: icRef, Actor: p.Actor(), Data: evs[0]}}}}, nil
		},
	})
	if err != nil {
		return Result[cd.Intercept]{}, fmt.Errorf("start intercept of app %s port %s: %w", app.Name, port, err)
	}
	var ic cd.Intercept
	for _, r := range res.Events {
		if r.Aggregate == icRef {
			ic = cd.EvolveIntercept(ic, r)
		}
	}
	return Result[cd.Intercept]{Object: ic, Seq: res.LastSeq}, nil
}

// pickPort finds the app's port with number n (and protocol proto, when
// given).
func pickPort(app cd.App, n int, proto cd.Protocol) (cd.Port, error) {
	var found []cd.Port
	for _, p := range app.Spec.Ports {
		if p.Port == n && (proto == "" || p.Protocol == proto) {
			found = append(found, p)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) == 0 && proto != "":
		return cd.Port{}, fault.Invalidf("port", "app %s has no port %d/%s", app.Name, n, proto)
	case len(found) == 0:
		return cd.Port{}, fault.Invalidf("port", "app %s has no port %d", app.Name, n)
	}
	return cd.Port{}, fault.Invalidf("protocol", "app %s has port %d on several protocols; say which", app.Name, n)
}

// StopIntercept ends an intercept (members); the app's port goes back to
// its backends. Stopping a stopped intercept changes nothing.
func (h *Handlers) StopIntercept(ctx context.Context, p auth.Principal, team, id string) (Result[cd.Intercept], error) {
	if err := p.Require(team, auth.Member); err != nil {
		return Result[cd.Intercept]{}, err
	}
	if err := checkID("id", id); err != nil {
		return Result[cd.Intercept]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.Intercept]{
		Team: team, Aggregate: events.AggregateRef{Type: cd.InterceptAggregate, ID: id}, Actor: p.Actor(),
		Evolve: cd.EvolveIntercept,
		Decide: func(s cd.Intercept) ([]any, error) {
			if s.ID == "" {
				return nil, cd.NotFound("id", "intercept %s", id)
			}
			return cd.DecideStopIntercept(s, p.UserID)
		},
		Also: func(ctx context.Context, s cd.Intercept, _ []any) ([]events.Write, error) {
			ref := events.AggregateRef{Type: cd.AppAggregate, ID: s.AppID}
			app, v, err := events.LoadState(ctx, h.store, team, ref, cd.EvolveApp)
			if err != nil {
				return nil, err
			}
			evs := cd.DecideDetachIntercept(app, s.ID, s.Port)
			if len(evs) == 0 {
				return nil, nil
			}
			return []events.Write{{Expected: v, Events: []events.Event{{Team: team, Aggregate: ref, Actor: p.Actor(), Data: evs[0]}}}}, nil
		},
	})
	if err != nil {
		return Result[cd.Intercept]{}, fmt.Errorf("stop intercept %s: %w", id, err)
	}
	return Result[cd.Intercept]{Object: res.State, Seq: res.Seq()}, nil
}
