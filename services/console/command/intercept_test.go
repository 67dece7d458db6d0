package command_test

import (
	"errors"
	"sync"
	"testing"

	"weft.dev/kernel/fault"
	"weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/console/readmodel"
)

func TestInterceptStartAndStopAreSeenByUsers(t *testing.T) {
	h := setup(t)
	_, _, app := h.world()
	dev := h.device("acme", "ada-laptop", "100.64.0.9")

	res, err := h.h.StartIntercept(h.ctx, member, command.StartInterceptInput{Team: "acme", AppID: app.ID, Port: 80, DeviceID: dev, TargetPort: 3000})
	if err != nil {
		t.Fatal(err)
	}
	ic := res.Object
	if !ic.Active || ic.StartedBy != "bob" || ic.TargetIP != "100.64.0.9" || ic.TargetPort != 3000 || ic.Port != (cd.Port{Port: 80, Protocol: cd.HTTP}) {
		t.Fatalf("started intercept %+v", ic)
	}
	evs, _, err := h.store.Load(h.ctx, "acme", eventsRef(cd.InterceptAggregate, ic.ID))
	if err != nil || len(evs) != 1 || evs[0].Type != "console.intercept.started" || evs[0].Actor != "user:bob" {
		t.Fatalf("intercept events %+v, %v", evs, err)
	}

	got, err := h.q.App(h.ctx, member, "acme", app.ID, res.Seq)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Intercepts) != 1 || got.Intercepts[0].ID != ic.ID || got.Intercepts[0].DeviceName != "ada-laptop" || got.Intercepts[0].Target != "100.64.0.9:3000" {
		t.Fatalf("app shows intercepts %+v", got.Intercepts)
	}
	active, _, err := h.q.Intercepts(h.ctx, member, "acme", true, readmodel.All, res.Seq)
	if err != nil || len(active) != 1 || active[0].AppName != "web" || active[0].EnvName != "dev" {
		t.Fatalf("active intercepts %+v, %v", active, err)
	}

	stop, err := h.h.StopIntercept(h.ctx, admin, "acme", ic.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stop.Object.Active || stop.Object.StoppedBy != "ada" {
		t.Fatalf("stopped intercept %+v", stop.Object)
	}
	got, _ = h.q.App(h.ctx, member, "acme", app.ID, stop.Seq)
	if len(got.Intercepts) != 0 {
		t.Fatalf("app still shows intercepts after stop: %+v", got.Intercepts)
	}
	active, _, _ = h.q.Intercepts(h.ctx, member, "acme", true, readmodel.All, stop.Seq)
	all, _, _ := h.q.Intercepts(h.ctx, member, "acme", false, readmodel.All, stop.Seq)
	if len(active) != 0 || len(all) != 1 || all[0].StoppedBy != "ada" {
		t.Fatalf("after stop: active %+v, all %+v", active, all)
	}

	// A retried stop changes nothing; the port can be intercepted again.
	before := h.lastSeq()
	if _, err := h.h.StopIntercept(h.ctx, admin, "acme", ic.ID); err != nil || h.lastSeq() != before {
		t.Fatalf("second stop: %v, appended %d", err, h.lastSeq()-before)
	}
	if _, err := h.h.StartIntercept(h.ctx, member, command.StartInterceptInput{Team: "acme", AppID: app.ID, Port: 80, DeviceID: dev}); err != nil {
		t.Fatalf("restart after stop: %v", err)
	}
}

func TestSecondInterceptOnTheSameAppPortIsRefused(t *testing.T) {
	h := setup(t)
	_, _, app := h.world()
	dev := h.device("acme", "ada-laptop", "100.64.0.9")
	in := command.StartInterceptInput{Team: "acme", AppID: app.ID, Port: 80, DeviceID: dev}
	if _, err := h.h.StartIntercept(h.ctx, member, in); err != nil {
		t.Fatal(err)
	}
	before := h.lastSeq()
	_, err := h.h.StartIntercept(h.ctx, admin, in)
	if fault.CodeOf(err) != fault.Conflict || !errors.Is(err, cd.ErrPortIntercepted) {
		t.Fatalf("second intercept: want CONFLICT, got %v", err)
	}
	if h.lastSeq() != before {
		t.Fatal("a refused intercept appended events")
	}
	// Another port of the same app is free.
	if _, err := h.h.StartIntercept(h.ctx, member, command.StartInterceptInput{Team: "acme", AppID: app.ID, Port: 53, DeviceID: dev}); err != nil {
		t.Fatalf("other port: %v", err)
	}
	// The app cannot be deleted while intercepted.
	if _, err := h.h.DeleteApp(h.ctx, member, "acme", app.ID); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("delete intercepted app: want CONFLICT, got %v", err)
	}
}

func TestConcurrentInterceptsOnOneAppPortExactlyOneWins(t *testing.T) {
	h := setup(t)
	_, _, app := h.world()
	dev := h.device("acme", "ada-laptop", "100.64.0.9")
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = h.h.StartIntercept(h.ctx, member, command.StartInterceptInput{Team: "acme", AppID: app.ID, Port: 80, DeviceID: dev})
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case fault.CodeOf(err) != fault.Conflict:
			t.Fatalf("loser failed with %v, want CONFLICT", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d intercepts won, want exactly 1 (%v)", won, errs)
	}
	all, _, err := h.q.Intercepts(h.ctx, member, "acme", false, readmodel.All, h.lastSeq())
	if err != nil || len(all) != 1 {
		t.Fatalf("intercepts recorded: %d, %v", len(all), err)
	}
}
