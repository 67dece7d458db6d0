package platform

import (
	"net"
	"net/netip"
	"strings"
	"testing"
)

// A listener on every interface is printed and handed to agents as an
// address they can dial; any other address is kept as it is.
func TestReachableReplacesOnlyUnspecifiedHosts(t *testing.T) {
	for _, keep := range []string{"127.0.0.1:4000", "[::1]:4000", "192.0.2.7:4222", "weft.example.com:4000", "nats://10.1.2.3:4222", "not an address"} {
		if got := Reachable(keep); got != keep {
			t.Errorf("Reachable(%q) = %q, want it unchanged", keep, got)
		}
		if strings.Contains(keep, "://") {
			if got := ReachableURL(keep); got != keep {
				t.Errorf("ReachableURL(%q) = %q, want it unchanged", keep, got)
			}
		}
	}
	a, ok := HostAddress()
	if !ok {
		t.Skip("this host has no non-loopback address: nothing to replace an unspecified host with")
	}
	want := net.JoinHostPort(a.String(), "4222")
	for _, all := range []string{"0.0.0.0:4222", "[::]:4222", ":4222"} {
		if !Unspecified(all) {
			t.Errorf("Unspecified(%q) = false", all)
		}
		if got := Reachable(all); got != want {
			t.Errorf("Reachable(%q) = %q, want %q", all, got, want)
		}
	}
	if got := ReachableURL("nats://0.0.0.0:4222"); got != "nats://"+want {
		t.Errorf("ReachableURL(nats://0.0.0.0:4222) = %q", got)
	}
	if a.IsLoopback() || a.IsUnspecified() {
		t.Errorf("HostAddress() = %v, which no other host can dial", a)
	}
}

// Agents are handed --nats-advertise when it is set, whatever NATS runs.
func TestClientURLIsTheAdvertisedOneWhenSet(t *testing.T) {
	b := &Broker{}
	cfg := Config{}
	cfg.Remote.URL = "nats://nats.internal:4222"
	if got := b.ClientURL(cfg); got != cfg.Remote.URL {
		t.Errorf("external NATS, nothing advertised: %q", got)
	}
	cfg.NATSAdvertise = "nats://hub.example.com:4222"
	if got := b.ClientURL(cfg); got != cfg.NATSAdvertise {
		t.Errorf("advertised: %q", got)
	}
}

// An address agents are handed must be one they can dial: an advertised
// 0.0.0.0 or ::, or a listener on every interface on a host with no
// address to stand for it, is refused at start, naming the flag to set.
func TestCheckAdvertiseRefusesAddressesNoOtherHostCanDial(t *testing.T) {
	has := func() (netip.Addr, bool) { return netip.MustParseAddr("192.0.2.7"), true }
	none := func() (netip.Addr, bool) { return netip.Addr{}, false }
	for _, tt := range []struct {
		listen, advertise string
		host              func() (netip.Addr, bool)
		refused           bool
	}{
		{"127.0.0.1:4222", "", none, false},
		{"0.0.0.0:4222", "", has, false},
		{"0.0.0.0:4222", "nats://weft.example.com:4222", none, false},
		{"0.0.0.0:4222", "", none, true},
		{"[::]:4222", "", none, true},
		{":4222", "", none, true},
		{"0.0.0.0:4222", "nats://0.0.0.0:4222", has, true},
		{"127.0.0.1:4222", "nats://[::]:4222", has, true},
		{"0.0.0.0:4000", "http://0.0.0.0", has, true},
		{"0.0.0.0:4222", "weft.example.com:4222", has, true}, // no scheme
	} {
		err := checkAdvertise("--nats-listen", tt.listen, "--nats-advertise", tt.advertise, tt.host)
		if (err != nil) != tt.refused {
			t.Errorf("listen %q advertise %q: %v; want refused=%v", tt.listen, tt.advertise, err, tt.refused)
		}
		if err != nil && !strings.Contains(err.Error(), "--nats-advertise") {
			t.Errorf("%v does not name the flag to set", err)
		}
	}
}
