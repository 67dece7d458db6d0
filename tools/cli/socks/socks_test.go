package socks_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/proxy"

	"weft.dev/tools/cli/socks"
)

// A stock SOCKS5 client (golang.org/x/net/proxy) connects by IP and by name
// through the server; the dialer sees the name unresolved, and a refused
// destination is reported to the client as a failure.
func TestAStockSOCKS5ClientConnectsByAddressAndName(t *testing.T) {
	target, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	go func() {
		for {
			c, err := target.Accept()
			if err != nil {
				return
			}
			fmt.Fprint(c, "hello")
			c.Close()
		}
	}()
	_, tport, _ := net.SplitHostPort(target.Addr().String())
	var asked []string
	dial := func(ctx context.Context, host string, port int) (net.Conn, error) {
		asked = append(asked, host)
		if host == "app.prod.acme.weft.internal" {
			host = "127.0.0.1"
		}
		if host == "refused.example" {
			return nil, fmt.Errorf("no")
		}
		return (&net.Dialer{}).DialContext(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() { _ = socks.Serve(l, dial, slog.New(slog.DiscardHandler)) }()
	client, err := proxy.SOCKS5("tcp", l.Addr().String(), nil, proxy.Direct)
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"127.0.0.1", "app.prod.acme.weft.internal"} {
		c, err := client.Dial("tcp", net.JoinHostPort(host, tport))
		if err != nil {
			t.Fatalf("via socks to %s: %v", host, err)
		}
		b, _ := io.ReadAll(c)
		c.Close()
		if string(b) != "hello" {
			t.Fatalf("via socks to %s: %q", host, b)
		}
	}
	if _, err := client.Dial("tcp", "refused.example:80"); err == nil || !strings.Contains(err.Error(), "host unreachable") {
		t.Fatalf("a refused destination: %v", err)
	}
	if strings.Join(asked, ",") != "127.0.0.1,app.prod.acme.weft.internal,refused.example" {
		t.Fatalf("the dialer was asked %v", asked)
	}
}
