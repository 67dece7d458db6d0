package domain_test

import (
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"

	"weft.dev/events"
	"weft.dev/kernel/fault"
	"weft.dev/services/infra/domain"
)

func fold[S any](evolve func(S, events.Recorded) S, evs ...any) S {
	var s S
	for i, e := range evs {
		s = evolve(s, events.Recorded{Seq: uint64(i + 1), Data: e})
	}
	return s
}

func alloc(ip, id string) domain.AddressAllocated {
	return domain.AddressAllocated{IP: ip, OwnerKind: domain.OwnerDevice, OwnerID: id}
}

func TestNextAddressIsTheLowestFreeUsableOne(t *testing.T) {
	var fullFirstRow []any
	for i := 1; i <= 254; i++ {
		fullFirstRow = append(fullFirstRow, alloc(fmt.Sprintf("100.64.0.%d", i), fmt.Sprint("d", i)))
	}
	tests := []struct {
		name string
		evs  []any
		want string
	}{
		{"empty network skips .0", nil, "100.64.0.1"},
		{"next after one", []any{alloc("100.64.0.1", "a")}, "100.64.0.2"},
		{"fills a gap first", []any{alloc("100.64.0.1", "a"), alloc("100.64.0.3", "c")}, "100.64.0.2"},
		{"skips .255 and .0 of the next row", fullFirstRow, "100.64.1.1"},
		{"released address is free again", []any{alloc("100.64.0.1", "a"), alloc("100.64.0.2", "b"),
			domain.AddressReleased{IP: "100.64.0.1", OwnerID: "a"}}, "100.64.0.1"},
		{"a range does not take a node address", []any{domain.RangeAllocated{CIDR: "100.80.0.0/20", ClusterID: "c"}}, "100.64.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := fold(domain.EvolveNetwork, tt.evs...)
			got, ok := domain.NextAddress(n)
			if !ok || got.String() != tt.want {
				t.Fatalf("NextAddress = %v, %v; want %s", got, ok, tt.want)
			}
			if !domain.NodeBlock.Contains(got) {
				t.Fatalf("%v outside %v", got, domain.NodeBlock)
			}
		})
	}
}

// The first 256 ranges are the ones every team has always been given
// (/20s of 100.80.0.0/12 in order); the next 512 come from 100.96.0.0/11;
// then there are none.
func TestNextRangeIsTheLowestFreeSlash20AndRunsOutAtMaxClusters(t *testing.T) {
	// The formula of the original plan, for the first 256.
	old := func(i int) string { return fmt.Sprintf("100.%d.%d.0/20", 80+i/16, (i%16)*16) }
	second := func(i int) string { return fmt.Sprintf("100.%d.%d.0/20", 96+i/16, (i%16)*16) }
	rng := func(cidr, id string) domain.RangeAllocated { return domain.RangeAllocated{CIDR: cidr, ClusterID: id} }
	var all []any
	for i := range 256 {
		all = append(all, rng(old(i), fmt.Sprint("c", i)))
	}
	for i := range 512 {
		all = append(all, rng(second(i), fmt.Sprint("d", i)))
	}
	if domain.MaxClusters != 768 || len(all) != domain.MaxClusters {
		t.Fatalf("MaxClusters = %d", domain.MaxClusters)
	}
	tests := []struct {
		name string
		evs  []any
		want string // "" = none left
	}{
		{"empty", nil, "100.80.0.0/20"},
		{"second", all[:1], "100.80.16.0/20"},
		{"crosses into the next /16", all[:16], "100.81.0.0/20"},
		{"gap first", []any{all[0], all[2]}, "100.80.16.0/20"},
		{"released", []any{all[0], all[1], domain.RangeReleased{CIDR: "100.80.0.0/20", ClusterID: "c0"}}, "100.80.0.0/20"},
		{"the 256th as ever", all[:255], "100.95.240.0/20"},
		{"the 257th from the second block", all[:256], "100.96.0.0/20"},
		{"the last", all[:767], "100.127.240.0/20"},
		{"released in the second block", append(append([]any{}, all...), domain.RangeReleased{CIDR: second(7), ClusterID: "d7"}), second(7)},
		{"a range freed in the first block goes first", append(append([]any{}, all[:300]...), domain.RangeReleased{CIDR: old(9), ClusterID: "c9"}), old(9)},
		{"all 768 taken", all, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := domain.NextRange(fold(domain.EvolveNetwork, tt.evs...))
			if tt.want == "" {
				if ok {
					t.Fatalf("NextRange = %v, want none", got)
				}
				return
			}
			if !ok || got.String() != tt.want {
				t.Fatalf("NextRange = %v, %v; want %s", got, ok, tt.want)
			}
			if got.Bits() != domain.ServiceRangeBits || !slices.ContainsFunc(domain.ServiceBlocks(), func(b netip.Prefix) bool { return b.Contains(got.Addr()) }) {
				t.Fatalf("%v is not a /20 of %v", got, domain.ServiceBlocks())
			}
		})
	}
}

// Every range of every block, allocated one after another, is distinct
// and outside the node block; the 769th cluster gets a clear conflict.
func TestAllocatingMaxClustersGivesDistinctRangesThenAConflict(t *testing.T) {
	n := domain.EvolveNetwork(domain.Network{}, events.Recorded{})
	seen := map[netip.Prefix]bool{}
	for i := range domain.MaxClusters {
		evs, err := domain.DecideAllocateCluster(n, fmt.Sprint("c", i))
		if err != nil {
			t.Fatalf("cluster %d: %v", i, err)
		}
		for _, e := range evs {
			if r, ok := e.(domain.RangeAllocated); ok {
				p := netip.MustParsePrefix(r.CIDR)
				for q := range seen {
					if q.Overlaps(p) {
						t.Fatalf("cluster %d: %v overlaps %v", i, p, q)
					}
				}
				if p.Overlaps(domain.NodeBlock) {
					t.Fatalf("cluster %d: %v overlaps the node block", i, p)
				}
				seen[p] = true
			}
			n = domain.EvolveNetwork(n, events.Recorded{Data: e})
		}
	}
	_, err := domain.DecideAllocateCluster(n, "one-too-many")
	if f, ok := fault.As(err); !ok || f.Code != fault.Conflict || !errors.Is(err, domain.ErrRangesFull) || !strings.Contains(f.Msg, "768") {
		t.Fatalf("cluster 769: %v", err)
	}
}

func TestDecideAllocateAndRelease(t *testing.T) {
	cluster := []any{
		domain.AddressAllocated{IP: "100.64.0.1", OwnerKind: domain.OwnerCluster, OwnerID: "c1"},
		domain.RangeAllocated{CIDR: "100.80.0.0/20", ClusterID: "c1"},
	}
	withDevice := append(append([]any{}, cluster...), alloc("100.64.0.2", "d1"))
	tests := []struct {
		name    string
		history []any
		decide  func(domain.Network) ([]any, error)
		want    []any
		wantErr error
		code    fault.Code
	}{
		{"cluster gets gateway and range", nil,
			func(n domain.Network) ([]any, error) { return domain.DecideAllocateCluster(n, "c1") }, cluster, nil, ""},
		{"device gets the next address", cluster,
			func(n domain.Network) ([]any, error) { return domain.DecideAllocateDevice(n, "d1") },
			[]any{alloc("100.64.0.2", "d1")}, nil, ""},
		{"second cluster gets the next range", withDevice,
			func(n domain.Network) ([]any, error) { return domain.DecideAllocateCluster(n, "c2") },
			[]any{domain.AddressAllocated{IP: "100.64.0.3", OwnerKind: domain.OwnerCluster, OwnerID: "c2"},
				domain.RangeAllocated{CIDR: "100.80.16.0/20", ClusterID: "c2"}}, nil, ""},
		{"an owner is never allocated twice", withDevice,
			func(n domain.Network) ([]any, error) { return domain.DecideAllocateDevice(n, "d1") }, nil, domain.ErrExists, fault.Conflict},
		{"releasing a cluster frees address and range", withDevice,
			func(n domain.Network) ([]any, error) { return domain.DecideRelease(n, "c1") },
			[]any{domain.AddressReleased{IP: "100.64.0.1", OwnerID: "c1"}, domain.RangeReleased{CIDR: "100.80.0.0/20", ClusterID: "c1"}}, nil, ""},
		{"releasing a device frees its address", withDevice,
			func(n domain.Network) ([]any, error) { return domain.DecideRelease(n, "d1") },
			[]any{domain.AddressReleased{IP: "100.64.0.2", OwnerID: "d1"}}, nil, ""},
		{"releasing twice is refused", append(append([]any{}, withDevice...), domain.AddressReleased{IP: "100.64.0.2", OwnerID: "d1"}),
			func(n domain.Network) ([]any, error) { return domain.DecideRelease(n, "d1") }, nil, domain.ErrNotAllocated, fault.NotFound},
		{"freed gateway address goes to the next device", append(append([]any{}, withDevice...),
			domain.AddressReleased{IP: "100.64.0.1", OwnerID: "c1"}, domain.RangeReleased{CIDR: "100.80.0.0/20", ClusterID: "c1"}),
			func(n domain.Network) ([]any, error) { return domain.DecideAllocateDevice(n, "d2") },
			[]any{alloc("100.64.0.1", "d2")}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.decide(fold(domain.EvolveNetwork, tt.history...))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || fault.CodeOf(err) != tt.code {
					t.Fatalf("err = %v (%s), want %v (%s)", err, fault.CodeOf(err), tt.wantErr, tt.code)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v, %v\nwant %+v", got, err, tt.want)
			}
		})
	}
}

func TestAllocatedFindsTheOwnersAddressAndRange(t *testing.T) {
	ip, cidr := domain.Allocated([]any{
		domain.AddressAllocated{IP: "100.64.0.9", OwnerID: "x"},
		domain.AddressAllocated{IP: "100.64.0.7", OwnerID: "c"},
		domain.RangeAllocated{CIDR: "100.80.32.0/20", ClusterID: "c"},
	}, "c")
	if ip != "100.64.0.7" || cidr != "100.80.32.0/20" {
		t.Fatalf("Allocated = %s %s", ip, cidr)
	}
}

func TestDecideEnrolSpendsTheSecretOnce(t *testing.T) {
	created := domain.ClusterCreated{ID: "c1", Name: "east", EnrolmentSecretHash: domain.HashSecret("s3cret")}
	tests := []struct {
		name    string
		history []any
		secret  string
		ok      bool
	}{
		{"the right secret enrols", []any{created}, "s3cret", true},
		{"a wrong secret is refused", []any{created}, "s3cres", false},
		{"an empty secret is refused", []any{created}, "", false},
		{"the hash itself is refused", []any{created}, domain.HashSecret("s3cret"), false},
		{"a spent secret is refused", []any{created, domain.ClusterEnrolled{ID: "c1"}}, "s3cret", false},
		{"a rotated-away secret is refused", []any{created, domain.ClusterEnrolmentSecretRotated{ID: "c1", EnrolmentSecretHash: domain.HashSecret("new")}}, "s3cret", false},
		{"the new secret enrols again after rotation", []any{created, domain.ClusterEnrolled{ID: "c1"},
			domain.ClusterEnrolmentSecretRotated{ID: "c1", EnrolmentSecretHash: domain.HashSecret("new")}}, "new", true},
		{"a deleted cluster is refused", []any{created, domain.ClusterDeleted{ID: "c1"}}, "s3cret", false},
		{"no cluster is refused", nil, "s3cret", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.DecideEnrol(fold(domain.EvolveCluster, tt.history...), tt.secret)
			if tt.ok {
				if err != nil || !reflect.DeepEqual(got, []any{domain.ClusterEnrolled{ID: "c1"}}) {
					t.Fatalf("got %v, %v", got, err)
				}
				return
			}
			if !errors.Is(err, domain.ErrEnrolmentRefused) || fault.CodeOf(err) != fault.Unauthenticated || got != nil {
				t.Fatalf("got %v, %v; want a refusal", got, err)
			}
		})
	}
}

func TestClusterAndDeviceDecisions(t *testing.T) {
	created := domain.ClusterCreated{ID: "c1", Name: "east", GatewayIP: "100.64.0.1", ServiceRange: "100.80.0.0/20"}
	reported := domain.ClusterGatewayReported{ID: "c1", PublicKey: "k1", Endpoint: "gw:51820"}
	dev := domain.DeviceCreated{ID: "d1", Name: "laptop", Kind: domain.KindDevice, Owner: "u1", PublicKey: "k1", IP: "100.64.0.2"}
	tests := []struct {
		name   string
		decide func() ([]any, error)
		want   []any
		code   fault.Code // "" = success
	}{
		{"report gateway", func() ([]any, error) {
			return domain.DecideReportGateway(fold(domain.EvolveCluster, created), "c1", "k1", "gw:51820", nil)
		}, []any{reported}, ""},
		{"same report again appends nothing", func() ([]any, error) {
			return domain.DecideReportGateway(fold(domain.EvolveCluster, created, reported), "c1", "k1", "gw:51820", nil)
		}, nil, ""},
		{"new endpoint is recorded", func() ([]any, error) {
			return domain.DecideReportGateway(fold(domain.EvolveCluster, created, reported), "c1", "k1", "gw:51821", nil)
		}, []any{domain.ClusterGatewayReported{ID: "c1", PublicKey: "k1", Endpoint: "gw:51821"}}, ""},
		{"report on a deleted cluster", func() ([]any, error) {
			return domain.DecideReportGateway(fold(domain.EvolveCluster, created, domain.ClusterDeleted{ID: "c1"}), "c1", "k", "h:1", nil)
		}, nil, fault.NotFound},
		{"delete cluster", func() ([]any, error) {
			return domain.DecideDeleteCluster(fold(domain.EvolveCluster, created), "c1")
		}, []any{domain.ClusterDeleted{ID: "c1", Name: "east"}}, ""},
		{"delete cluster twice", func() ([]any, error) {
			return domain.DecideDeleteCluster(fold(domain.EvolveCluster, created, domain.ClusterDeleted{ID: "c1"}), "c1")
		}, nil, fault.NotFound},
		{"rotate secret of a missing cluster", func() ([]any, error) {
			return domain.DecideRotateSecret(domain.Cluster{}, "c9", "h")
		}, nil, fault.NotFound},
		{"rotate device key", func() ([]any, error) {
			return domain.DecideRotateKey(fold(domain.EvolveDevice, dev), "d1", "k2")
		}, []any{domain.DeviceKeyRotated{ID: "d1", PublicKey: "k2"}}, ""},
		{"rotating to the same key appends nothing", func() ([]any, error) {
			return domain.DecideRotateKey(fold(domain.EvolveDevice, dev), "d1", "k1")
		}, nil, ""},
		{"delete device carries its address", func() ([]any, error) {
			return domain.DecideDeleteDevice(fold(domain.EvolveDevice, dev), "d1")
		}, []any{domain.DeviceDeleted{ID: "d1", Name: "laptop", IP: "100.64.0.2"}}, ""},
		{"delete a deleted device", func() ([]any, error) {
			return domain.DecideDeleteDevice(fold(domain.EvolveDevice, dev, domain.DeviceDeleted{ID: "d1"}), "d1")
		}, nil, fault.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.decide()
			if tt.code != "" {
				if fault.CodeOf(err) != tt.code {
					t.Fatalf("err = %v, want %s", err, tt.code)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestCheckKindNamesTheField(t *testing.T) {
	for _, k := range []domain.DeviceKind{domain.KindDevice, domain.KindWorkspace} {
		if err := domain.CheckKind("kind", k); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	err := domain.CheckKind("kind", "phone")
	if f, ok := fault.As(err); !ok || f.Code != fault.Invalid || f.Field != "kind" {
		t.Fatalf("CheckKind(phone) = %v", err)
	}
}

func TestLayoutBlocksAreInsideTheMeshAndApart(t *testing.T) {
	mesh := netip.MustParsePrefix("100.64.0.0/10")
	blocks := append([]netip.Prefix{domain.NodeBlock}, domain.ServiceBlocks()...)
	for i, b := range blocks {
		if !mesh.Contains(b.Addr()) || b.Bits() < mesh.Bits() {
			t.Errorf("%v is not inside the mesh %v", b, mesh)
		}
		for _, c := range blocks[i+1:] {
			if b.Overlaps(c) {
				t.Errorf("%v overlaps %v", b, c)
			}
		}
	}
}

// An agent coming or going is a state change (AgentReported); progress
// alone is a status report (AgentApplied), which the audit trail leaves
// out by default; nothing changed records nothing, and progress never
// goes back.
func TestReportAgentTellsStateChangesFromProgress(t *testing.T) {
	created := domain.ClusterCreated{ID: "c1", Name: "eu-1"}
	tests := []struct {
		name    string
		evs     []any
		online  bool
		applied uint64
		want    []any
	}{
		{"first report online", []any{created}, true, 5, []any{domain.ClusterAgentReported{ID: "c1", Online: true, AppliedSeq: 5}}},
		{"progress while online", []any{created, domain.ClusterAgentReported{ID: "c1", Online: true, AppliedSeq: 5}}, true, 9,
			[]any{domain.ClusterAgentApplied{ID: "c1", AppliedSeq: 9}}},
		{"progress after progress", []any{created, domain.ClusterAgentReported{ID: "c1", Online: true, AppliedSeq: 5}, domain.ClusterAgentApplied{ID: "c1", AppliedSeq: 9}}, true, 12,
			[]any{domain.ClusterAgentApplied{ID: "c1", AppliedSeq: 12}}},
		{"nothing new", []any{created, domain.ClusterAgentReported{ID: "c1", Online: true, AppliedSeq: 5}, domain.ClusterAgentApplied{ID: "c1", AppliedSeq: 9}}, true, 9, nil},
		{"a restarted agent reporting less", []any{created, domain.ClusterAgentReported{ID: "c1", Online: true, AppliedSeq: 5}, domain.ClusterAgentApplied{ID: "c1", AppliedSeq: 9}}, true, 2, nil},
		{"going offline", []any{created, domain.ClusterAgentReported{ID: "c1", Online: true, AppliedSeq: 5}, domain.ClusterAgentApplied{ID: "c1", AppliedSeq: 9}}, false, 9,
			[]any{domain.ClusterAgentReported{ID: "c1", Online: false, AppliedSeq: 9}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fold(domain.EvolveCluster, tt.evs...)
			got, err := domain.DecideReportAgent(c, "c1", tt.online, tt.applied)
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("DecideReportAgent = %#v, %v; want %#v", got, err, tt.want)
			}
		})
	}
}

func TestACreatedDeviceTakesTheAddressItsNetworkDecisionHandedIt(t *testing.T) {
	n := fold(domain.EvolveNetwork, alloc("100.64.0.1", "other"))
	decided, err := domain.DecideAllocateDevice(n, "d1")
	if err != nil {
		t.Fatal(err)
	}
	evs, err := domain.DecideCreateDevice(decided, "d1", domain.NewDevice{Name: "laptop", Owner: "u1", PublicKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	d := fold(domain.EvolveDevice, evs...)
	if d.IP != "100.64.0.2" || d.Kind != domain.KindDevice || d.Owner != "u1" || !d.Live() {
		t.Errorf("created %+v, want a live device of u1 at 100.64.0.2, of kind device when none is given", d)
	}
	// Another owner's allocation, or none, is no address for d1.
	if _, err := domain.DecideCreateDevice([]any{alloc("100.64.0.3", "d2")}, "d1", domain.NewDevice{Name: "x", Owner: "u1"}); err == nil {
		t.Error("a device was created with another owner's address")
	}
	if _, err := domain.DecideCreateDevice(decided, "d1", domain.NewDevice{Name: "x", Owner: "u1", Kind: "phone"}); !errors.Is(err, domain.ErrUnknownDeviceKind) {
		t.Errorf("kind phone: %v, want ErrUnknownDeviceKind", err)
	}
	if _, err := domain.DecideCreateDevice(decided, "d1", domain.NewDevice{Name: "x"}); err == nil {
		t.Error("a device without an owner was created")
	}
}

func TestACreatedClusterTakesTheGatewayAddressAndRangeItsNetworkDecisionHandedIt(t *testing.T) {
	decided, err := domain.DecideAllocateCluster(domain.Network{}, "c1")
	if err != nil {
		t.Fatal(err)
	}
	evs, err := domain.DecideCreateCluster(decided, "c1", "eu-1", "h")
	if err != nil {
		t.Fatal(err)
	}
	c := fold(domain.EvolveCluster, evs...)
	ip, cidr := domain.Allocated(decided, "c1")
	if c.GatewayIP != ip || c.ServiceRange != cidr || c.Name != "eu-1" || c.SecretHash != "h" || !c.Live() {
		t.Errorf("created %+v, want eu-1 at %s with %s", c, ip, cidr)
	}
	if _, err := domain.DecideCreateCluster(decided[:1], "c1", "eu-1", "h"); err == nil {
		t.Error("a cluster was created without a service range")
	}
}
