package command_test

import (
	"fmt"
	"net/netip"
	"sync"
	"testing"

	"weft.dev/events"
	"weft.dev/services/infra/command"
	"weft.dev/services/infra/domain"
	"weft.dev/services/infra/readmodel"
)

func TestHundredConcurrentDeviceCreationsGetDistinctAddressesInTheTeamRange(t *testing.T) {
	h := setup(t)
	const n = 100
	ips := make([]string, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := h.h.CreateDevice(h.ctx, member, command.CreateDeviceInput{Team: "acme", Name: fmt.Sprintf("dev-%d", i), PublicKey: newKey(t)})
			if err != nil {
				errs <- err
				return
			}
			ips[i] = res.Object.IP
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, ip := range ips {
		a, err := netip.ParseAddr(ip)
		if err != nil || !domain.NodeBlock.Contains(a) {
			t.Fatalf("address %q is not in the team's node block %s", ip, domain.NodeBlock)
		}
		if seen[ip] {
			t.Fatalf("%s handed out twice", ip)
		}
		seen[ip] = true
	}
	// Lowest free first: exactly 100.64.0.1 … 100.64.0.100.
	for i := 1; i <= n; i++ {
		if !seen[fmt.Sprintf("100.64.0.%d", i)] {
			t.Fatalf("100.64.0.%d not used; allocation is not dense", i)
		}
	}
	devs, _, err := h.q.Devices(h.ctx, member, "acme", "", readmodel.All, h.lastSeq())
	if err != nil || len(devs) != n {
		t.Fatalf("read model has %d devices (%v)", len(devs), err)
	}
	checkModelNeverDoubleAllocates(t, h, "acme")
	checkLogNeverDoubleAllocates(t, h.ctx, h.store, "acme")
}

// In a conflict storm several handler sets (as in several weft-server
// replicas, each with its own in-process lock) create devices and clusters
// and delete devices of one team at once, so appends to the network
// aggregate really race and are retried.
func TestConflictStormNeverHandsOutAnAddressTwice(t *testing.T) {
	h := setup(t)
	replicas := []*command.Handlers{h.h}
	for range 3 {
		replicas = append(replicas, command.New(events.NewStore(h.env.Conn, registry())))
	}
	var doomed []string
	for i := range 30 {
		doomed = append(doomed, h.device(member, fmt.Sprintf("old-%d", i)).ID)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	run := func(fn func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(); err != nil {
				errs <- err
			}
		}()
	}
	for i := range 100 {
		r := replicas[i%len(replicas)]
		run(func() error {
			_, err := r.CreateDevice(h.ctx, member, command.CreateDeviceInput{Team: "acme", Name: fmt.Sprintf("new-%d", i), PublicKey: newKey(t)})
			return err
		})
		if i < len(doomed) {
			id := doomed[i]
			r2 := replicas[(i+1)%len(replicas)]
			run(func() error {
				_, err := r2.DeleteDevice(h.ctx, member, command.DeviceInput{Team: "acme", ID: id})
				return err
			})
		}
		if i%10 == 0 {
			r3 := replicas[(i+2)%len(replicas)]
			run(func() error {
				_, err := r3.CreateCluster(h.ctx, admin, command.CreateClusterInput{Team: "acme", Name: fmt.Sprintf("c-%d", i)})
				return err
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	devs, _, err := h.q.Devices(h.ctx, member, "acme", "", readmodel.All, h.lastSeq())
	if err != nil || len(devs) != 100 {
		t.Fatalf("%d devices live (%v), want 100", len(devs), err)
	}
	clusters, _, err := h.q.Clusters(h.ctx, member, "acme", nil, readmodel.All, 0)
	if err != nil || len(clusters) != 10 {
		t.Fatalf("%d clusters live (%v), want 10", len(clusters), err)
	}
	checkModelNeverDoubleAllocates(t, h, "acme")
	held := checkLogNeverDoubleAllocates(t, h.ctx, h.store, "acme")
	if len(held) != 110 {
		t.Fatalf("%d addresses held, want 110", len(held))
	}
}

// checkModelNeverDoubleAllocates checks the read model: live clusters and
// devices have pairwise distinct addresses, each held by them in the
// network, and nothing else is held; service ranges are distinct.
func checkModelNeverDoubleAllocates(t *testing.T, h *harness, team string) {
	t.Helper()
	p := member
	p.Team = team
	net, err := h.q.Network(h.ctx, p, team, h.lastSeq())
	if err != nil {
		t.Fatal(err)
	}
	clusters, _, _ := h.q.Clusters(h.ctx, p, team, nil, readmodel.All, 0)
	devs, _, _ := h.q.Devices(h.ctx, p, team, "", readmodel.All, 0)
	holder := map[string]string{}
	for _, a := range net.Addresses {
		holder[a.IP] = a.OwnerID
	}
	live := map[string]string{}
	claim := func(id, ip string) {
		if o, dup := live[ip]; dup {
			t.Fatalf("read model: %s and %s both hold %s", id, o, ip)
		}
		live[ip] = id
		if holder[ip] != id {
			t.Fatalf("read model: %s shows %s, the network gives it to %q", id, ip, holder[ip])
		}
	}
	ranges := map[string]bool{}
	for _, c := range clusters {
		claim(c.ID, c.GatewayIP)
		if ranges[c.ServiceRange] {
			t.Fatalf("range %s twice", c.ServiceRange)
		}
		ranges[c.ServiceRange] = true
	}
	for _, d := range devs {
		claim(d.ID, d.IP)
	}
	if len(net.Addresses) != len(live) || len(net.Ranges) != len(clusters) {
		t.Fatalf("read model: %d addresses and %d ranges held for %d live resources and %d clusters", len(net.Addresses), len(net.Ranges), len(live), len(clusters))
	}
}

func TestFreedAddressIsReusedOnlyAfterTheDeleteEvent(t *testing.T) {
	h := setup(t)
	d1 := h.device(member, "one")
	d2 := h.device(member, "two")
	if d1.IP != "100.64.0.1" || d2.IP != "100.64.0.2" {
		t.Fatalf("addresses %s %s", d1.IP, d2.IP)
	}
	del, err := h.h.DeleteDevice(h.ctx, member, command.DeviceInput{Team: "acme", ID: d1.ID})
	if err != nil {
		t.Fatal(err)
	}
	d3 := h.device(member, "three")
	if d3.IP != "100.64.0.1" {
		t.Fatalf("the freed address was not reused: got %s", d3.IP)
	}
	// In the log: the release and the delete are one batch, and the reuse
	// comes after both.
	var releasedAt, deletedAt, reallocatedAt uint64
	err = h.store.Replay(h.ctx, events.Filter{Team: "acme"}, func(r events.Recorded) error {
		switch e := r.Data.(type) {
		case domain.AddressReleased:
			releasedAt = r.Seq
		case domain.DeviceDeleted:
			deletedAt = r.Seq
		case domain.AddressAllocated:
			if e.IP == d1.IP && e.OwnerID == d3.ID {
				reallocatedAt = r.Seq
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if releasedAt == 0 || deletedAt == 0 || reallocatedAt <= max(releasedAt, deletedAt) || del.Seq < max(releasedAt, deletedAt) {
		t.Fatalf("released at %d, deleted at %d, reallocated at %d, delete returned %d", releasedAt, deletedAt, reallocatedAt, del.Seq)
	}
	// The delete's append holds four events: release, delete, name and key
	// releases.
	if releasedAt+3 < del.Seq || deletedAt+3 < del.Seq {
		t.Fatalf("release %d and delete %d are not in the append ending at %d", releasedAt, deletedAt, del.Seq)
	}
	// A cluster's gateway address and range come back the same way.
	c := h.cluster(admin, "east")
	if _, err := h.h.DeleteCluster(h.ctx, admin, command.ClusterInput{Team: "acme", ID: c.ID}); err != nil {
		t.Fatal(err)
	}
	c2 := h.cluster(admin, "west")
	if c2.GatewayIP != c.GatewayIP || c2.ServiceRange != c.ServiceRange || c.ServiceRange != "100.80.0.0/20" {
		t.Fatalf("first cluster %s %s, next %s %s", c.GatewayIP, c.ServiceRange, c2.GatewayIP, c2.ServiceRange)
	}
	checkModelNeverDoubleAllocates(t, h, "acme")
	checkLogNeverDoubleAllocates(t, h.ctx, h.store, "acme")
	if _, err := h.q.Device(h.ctx, member, "acme", readmodel.Ref{ID: d1.ID}, 0); err == nil {
		t.Fatal("deleted device still in the read model")
	}
}
