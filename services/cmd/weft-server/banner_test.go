package main

import (
	"bytes"
	"strings"
	"testing"

	"weft.dev/services/platform"
)

// The banner prints addresses another host can dial, and says so when it
// had to pick one for a listener on all interfaces.
func TestBannerPrintsAddressesOthersCanReach(t *testing.T) {
	local := &options{dnsListen: "127.0.0.1:5353"}
	local.NATSListen = "127.0.0.1:4222"
	var out bytes.Buffer
	printAddresses(&out, local, "127.0.0.1:4000", "nats://127.0.0.1:4222")
	for _, want := range []string{"GraphQL   http://127.0.0.1:4000/graphql", "NATS      nats://127.0.0.1:4222", "DNS       127.0.0.1:5353"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("loopback banner lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "all interfaces") {
		t.Errorf("loopback banner speaks of all interfaces:\n%s", out.String())
	}

	advertised := &options{}
	advertised.NATSListen = "0.0.0.0:4222"
	advertised.HTTPAdvertise = "https://weft.example.com/"
	advertised.NATSAdvertise = "nats://weft.example.com:4222"
	out.Reset()
	printAddresses(&out, advertised, "[::]:4000", advertised.NATSAdvertise)
	for _, want := range []string{"GraphQL   https://weft.example.com/graphql", "HTTP      https://weft.example.com  ", "NATS      nats://weft.example.com:4222"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("advertised banner lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "all interfaces") || strings.Contains(out.String(), "[::]") {
		t.Errorf("advertised banner shows the listen address:\n%s", out.String())
	}

	a, ok := platform.HostAddress()
	if !ok {
		t.Skip("no non-loopback address on this host")
	}
	wild := &options{dnsListen: "0.0.0.0:53"}
	wild.NATSListen = "0.0.0.0:4222"
	out.Reset()
	wild.HTTPAddr = "0.0.0.0:4000"
	printAddresses(&out, wild, "[::]:4000", platform.ReachableURL("nats://0.0.0.0:4222"))
	s := out.String()
	for _, want := range []string{"http://" + a.String() + ":4000/graphql", "nats://" + a.String() + ":4222", "all interfaces", "--http-advertise", "--nats-advertise"} {
		if !strings.Contains(s, want) {
			t.Errorf("all-interfaces banner lacks %q:\n%s", want, s)
		}
	}
	// Only the note under the addresses may name the listen addresses.
	if addrs, _, _ := strings.Cut(s, "\n  ("); strings.Contains(addrs, "0.0.0.0") || strings.Contains(addrs, "[::]") {
		t.Errorf("all-interfaces banner prints an unspecified address as one to dial:\n%s", s)
	}
}
