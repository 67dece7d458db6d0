package platform

import (
	"net"
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
