package command_test

import (
	"fmt"
	"sync"
	"testing"

	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/infra/command"
)

// refusedKey asserts err is the BAD_USER_INPUT on publicKey of a key
// another device or gateway holds.
func refusedKey(t *testing.T, what string, err error) {
	t.Helper()
	f, ok := fault.As(err)
	if !ok || f.Code != fault.Invalid || f.Field != "publicKey" {
		t.Fatalf("%s: %v; want BAD_USER_INPUT on publicKey", what, err)
	}
}

func TestAPublicKeyBelongsToOneDeviceOrGatewayOfTheTeam(t *testing.T) {
	h := setup(t)
	k, gw := newKey(t), newKey(t)
	d, err := h.h.CreateDevice(h.ctx, member, command.CreateDeviceInput{Team: "acme", Name: "laptop", PublicKey: k})
	if err != nil {
		t.Fatal(err)
	}
	before := h.lastSeq()
	_, err = h.h.CreateDevice(h.ctx, other, command.CreateDeviceInput{Team: "acme", Name: "copy", PublicKey: k})
	refusedKey(t, "another device with the key", err)
	if h.lastSeq() != before {
		t.Fatal("a refused device appended")
	}
	c := h.cluster(admin, "east")
	if _, err := h.h.Enrol(h.ctx, agent, command.EnrolInput{Team: "acme", ClusterID: c.ID, Secret: c.EnrolmentSecret}); err != nil {
		t.Fatal(err)
	}
	before = h.lastSeq()
	_, err = h.h.ReportGateway(h.ctx, agent, command.ReportGatewayInput{Team: "acme", ClusterID: c.ID, PublicKey: k, Endpoint: "gw.example.com:51820"})
	refusedKey(t, "a gateway reporting a device's key", err)
	if h.lastSeq() != before {
		t.Fatal("a refused report appended")
	}
	if _, err := h.h.ReportGateway(h.ctx, agent, command.ReportGatewayInput{Team: "acme", ClusterID: c.ID, PublicKey: gw, Endpoint: "gw.example.com:51820"}); err != nil {
		t.Fatal(err)
	}
	p, err := h.h.CreateDevice(h.ctx, other, command.CreateDeviceInput{Team: "acme", Name: "phone", PublicKey: newKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.h.RotateDeviceKey(h.ctx, other, command.RotateDeviceKeyInput{Team: "acme", ID: p.Object.ID, PublicKey: gw})
	refusedKey(t, "rotating to the gateway's key", err)
	_, err = h.h.RotateDeviceKey(h.ctx, other, command.RotateDeviceKeyInput{Team: "acme", ID: p.Object.ID, PublicKey: k})
	refusedKey(t, "rotating to another device's key", err)
	// Another team may hold the same key: peers are per team network.
	if _, err := h.h.CreateDevice(h.ctx, rival, command.CreateDeviceInput{Team: "globex", Name: "laptop", PublicKey: k}); err != nil {
		t.Fatalf("the same key in another team: %v", err)
	}
	// A rotated-away key and a deleted device's key are free again.
	if _, err := h.h.RotateDeviceKey(h.ctx, member, command.RotateDeviceKeyInput{Team: "acme", ID: d.Object.ID, PublicKey: newKey(t)}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.h.RotateDeviceKey(h.ctx, other, command.RotateDeviceKeyInput{Team: "acme", ID: p.Object.ID, PublicKey: k}); err != nil {
		t.Fatalf("taking a key rotated away: %v", err)
	}
	if _, err := h.h.DeleteDevice(h.ctx, other, command.DeviceInput{Team: "acme", ID: p.Object.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.h.CreateDevice(h.ctx, member, command.CreateDeviceInput{Team: "acme", Name: "again", PublicKey: k}); err != nil {
		t.Fatalf("taking a deleted device's key: %v", err)
	}
}

func TestConcurrentRegistrationsOfOneKeyExactlyOneWins(t *testing.T) {
	h := setup(t)
	k := newKey(t)
	const n = 8
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			<-start
			p := auth.Principal{UserID: fmt.Sprintf("u%d", i), Team: "acme", Role: auth.Member}
			_, errs[i] = h.h.CreateDevice(h.ctx, p, command.CreateDeviceInput{Team: "acme", Name: fmt.Sprintf("d%d", i), PublicKey: k})
		})
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
			continue
		}
		refusedKey(t, "a losing registration", err)
	}
	if won != 1 {
		t.Fatalf("%d devices registered one key; want exactly 1", won)
	}
}

func TestAGatewayKeepsTheKeyItEnrolledWithUntilItEnrolsAgain(t *testing.T) {
	h := setup(t)
	c := h.cluster(admin, "east")
	if _, err := h.h.Enrol(h.ctx, agent, command.EnrolInput{Team: "acme", ClusterID: c.ID, Secret: c.EnrolmentSecret}); err != nil {
		t.Fatal(err)
	}
	k1, k2 := newKey(t), newKey(t)
	report := func(key, endpoint string) error {
		_, err := h.h.ReportGateway(h.ctx, agent, command.ReportGatewayInput{Team: "acme", ClusterID: c.ID, PublicKey: key, Endpoint: endpoint})
		return err
	}
	if err := report(k1, "192.0.2.1:51820"); err != nil {
		t.Fatal(err)
	}
	if err := report(k1, "192.0.2.9:51820"); err != nil {
		t.Fatalf("moving the endpoint: %v", err)
	}
	refusedKey(t, "another key from the same enrolment", report(k2, "192.0.2.9:51820"))
	rot, err := h.h.RotateEnrolmentSecret(h.ctx, admin, command.ClusterInput{Team: "acme", ID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := report(k2, "192.0.2.9:51820"); err == nil {
		t.Fatal("a rotated secret alone let the key change; the agent has not enrolled again")
	}
	if _, err := h.h.Enrol(h.ctx, agent, command.EnrolInput{Team: "acme", ClusterID: c.ID, Secret: rot.Object.EnrolmentSecret}); err != nil {
		t.Fatal(err)
	}
	if err := report(k2, "192.0.2.9:51820"); err != nil {
		t.Fatalf("the new enrolment's key: %v", err)
	}
	// The old key is free again: a device may take it.
	if _, err := h.h.CreateDevice(h.ctx, member, command.CreateDeviceInput{Team: "acme", Name: "laptop", PublicKey: k1}); err != nil {
		t.Fatalf("the gateway's old key: %v", err)
	}
}
