package netstack

import (
	"bufio"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"
)

// A listener holds its address only while open, and an address the gateway
// also holds outlives the listener: the proxy closing a route must not take
// the gateway's mesh address away.
func TestListenersHoldTheirAddressOnlyWhileOpen(t *testing.T) {
	st, err := New(1420)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	gw, svc := netip.MustParseAddr("100.64.0.1"), netip.MustParseAddr("100.64.1.7")
	if err := st.AddAddress(gw); err != nil {
		t.Fatal(err)
	}

	l1, err := st.ListenTCP(svc.String() + ":80")
	if err != nil {
		t.Fatal(err)
	}
	l2, err := st.ListenTCP(gw.String() + ":53")
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Addresses(); !slices.Contains(got, gw) || !slices.Contains(got, svc) {
		t.Fatalf("addresses with listeners open = %v", got)
	}

	// A connection between two local addresses stays inside the stack.
	go func() {
		c, err := l1.Accept()
		if err != nil {
			return
		}
		fmt.Fprintln(c, "hello")
		c.Close()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := st.DialContext(ctx, "tcp", svc.String()+":80")
	if err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	c.Close()
	if err != nil || line != "hello\n" {
		t.Fatalf("read %q, %v", line, err)
	}

	l1.Close()
	l1.Close() // a second close must not drop another holder's address
	l2.Close()
	if got := st.Addresses(); len(got) != 1 || got[0] != gw {
		t.Fatalf("addresses after listeners closed = %v, want only %s", got, gw)
	}
	st.RemoveAddress(gw)
	if got := st.Addresses(); len(got) != 0 {
		t.Fatalf("addresses after the gateway let go = %v", got)
	}
}

// Addresses the stack cannot serve are refused with the address named.
func TestNonIPv4AddressesAreRefused(t *testing.T) {
	st, err := New(1420)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, addr := range []string{"[fd00::1]:80", "100.64.0.1", "name:80", "0.0.0.0:80", "224.0.0.1:80", "255.255.255.255:80"} {
		if l, err := st.ListenTCP(addr); err == nil {
			l.Close()
			t.Errorf("ListenTCP(%q) accepted", addr)
		}
	}
	if _, err := st.DialContext(context.Background(), "sctp", "100.64.0.1:80"); err == nil {
		t.Error("dial sctp accepted")
	}
	if len(st.Addresses()) != 0 {
		t.Errorf("refused calls left addresses %v", st.Addresses())
	}
}
