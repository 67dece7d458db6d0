package command_test

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"sync"
	"testing"

	"weft.dev/events"
	"weft.dev/events/gatewaykey"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/infra/command"
	"weft.dev/services/infra/domain"
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

// A gateway moves to a new key without enrolling again when it signs the
// move with the key it has (weft-agent rotate-gateway-key): the move is
// recorded with its proof, and the new key is then the one it keeps. A
// proof by another key, for another cluster, from a key the gateway no
// longer has, or a replay of an old move, is refused and appends nothing.
func TestAGatewayMovesToANewKeyOnlyWithAMoveSignedByTheKeyItHas(t *testing.T) {
	h := setup(t)
	c := h.cluster(admin, "east")
	if _, err := h.h.Enrol(h.ctx, agent, command.EnrolInput{Team: "acme", ClusterID: c.ID, Secret: c.EnrolmentSecret}); err != nil {
		t.Fatal(err)
	}
	other := h.cluster(admin, "west")
	keyPair := func() ([32]byte, string) {
		k, err := ecdh.X25519().GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return [32]byte(k.Bytes()), base64.StdEncoding.EncodeToString(k.PublicKey().Bytes())
	}
	sign := func(priv [32]byte, cluster, from, to string) *gatewaykey.Rotation {
		r, err := gatewaykey.Sign(priv, cluster, from, to)
		if err != nil {
			t.Fatal(err)
		}
		return &r
	}
	report := func(key string, r *gatewaykey.Rotation) error {
		_, err := h.h.ReportGateway(h.ctx, agent, command.ReportGatewayInput{Team: "acme", ClusterID: c.ID, PublicKey: key, Endpoint: "192.0.2.1:51820", Rotation: r})
		return err
	}
	p1, k1 := keyPair()
	p2, k2 := keyPair()
	_, k3 := keyPair()
	if err := report(k1, nil); err != nil {
		t.Fatal(err)
	}
	before := h.lastSeq()
	refusedKey(t, "a move signed by the new key itself", report(k2, sign(p2, c.ID, k1, k2)))
	refusedKey(t, "a move signed for another cluster", report(k2, sign(p1, other.ID, k1, k2)))
	refusedKey(t, "a move to another key than the one signed", report(k3, sign(p1, c.ID, k1, k2)))
	refusedKey(t, "a move from a key the gateway does not have", report(k3, sign(p2, c.ID, k2, k3)))
	if h.lastSeq() != before {
		t.Fatal("a refused move appended")
	}
	move := sign(p1, c.ID, k1, k2)
	if err := report(k2, move); err != nil {
		t.Fatalf("a move signed by the gateway's key: %v", err)
	}
	recs, _, err := h.store.Load(h.ctx, "acme", events.AggregateRef{Type: domain.ClusterAggregate, ID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	var got domain.Cluster
	for _, r := range recs {
		got = domain.EvolveCluster(got, r)
	}
	if got.PublicKey != k2 {
		t.Fatalf("after the move the gateway's key is %q, want %s", got.PublicKey, k2)
	}
	last, ok := recs[len(recs)-1].Data.(domain.ClusterGatewayReported)
	if !ok || last.RotatedFrom != k1 || last.RotationSignature != move.Signature {
		t.Fatalf("the move is recorded as %+v; want it from %s with its signature", recs[len(recs)-1].Data, k1)
	}
	// The new key is bound now: the old key's proof cannot move it back,
	// and the next move needs the new key's signature.
	refusedKey(t, "a replay of the old move's key", report(k1, sign(p1, c.ID, k1, k1)))
	if err := report(k3, sign(p2, c.ID, k2, k3)); err != nil {
		t.Fatalf("the next move, signed by the key the gateway moved to: %v", err)
	}
}
