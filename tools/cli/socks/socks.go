// Package socks is a small SOCKS5 server (RFC 1928: no authentication,
// CONNECT only) for a rootless device: local programs reach the team
// network through it, since a userspace tunnel has no interface to route to.
package socks

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"time"
)

// Dialer opens a connection for a CONNECT request; host may be a name.
type Dialer func(ctx context.Context, host string, port int) (net.Conn, error)

// Serve answers SOCKS5 clients on l until it closes.
func Serve(l net.Listener, dial Dialer, log *slog.Logger) error {
	for {
		c, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		go func() {
			if err := handle(c, dial); err != nil {
				log.Debug("socks", "from", c.RemoteAddr().String(), "err", err)
			}
		}()
	}
}

// Reply codes.
const (
	succeeded        = 0
	generalFailure   = 1
	hostUnreachable  = 4
	cmdNotSupported  = 7
	addrNotSupported = 8
)

func handle(c net.Conn, dial Dialer) error {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	hdr := make([]byte, 2)
	if _, err := io.ReadFull(c, hdr); err != nil {
		return err
	}
	if hdr[0] != 5 {
		return fmt.Errorf("version %d: only SOCKS5", hdr[0])
	}
	methods := make([]byte, hdr[1])
	if _, err := io.ReadFull(c, methods); err != nil {
		return err
	}
	noAuth := false
	for _, m := range methods {
		noAuth = noAuth || m == 0
	}
	if !noAuth {
		_, _ = c.Write([]byte{5, 0xff})
		return errors.New("client offers no 'no authentication' method")
	}
	if _, err := c.Write([]byte{5, 0}); err != nil {
		return err
	}
	req := make([]byte, 4)
	if _, err := io.ReadFull(c, req); err != nil {
		return err
	}
	if req[1] != 1 {
		reply(c, cmdNotSupported)
		return fmt.Errorf("command %d: only CONNECT", req[1])
	}
	var host string
	switch req[3] {
	case 1:
		b := make([]byte, 4)
		if _, err := io.ReadFull(c, b); err != nil {
			return err
		}
		host = net.IP(b).String()
	case 3:
		n := make([]byte, 1)
		if _, err := io.ReadFull(c, n); err != nil {
			return err
		}
		b := make([]byte, n[0])
		if _, err := io.ReadFull(c, b); err != nil {
			return err
		}
		host = string(b)
	default:
		reply(c, addrNotSupported)
		return fmt.Errorf("address type %d: IPv4 and names only", req[3])
	}
	pb := make([]byte, 2)
	if _, err := io.ReadFull(c, pb); err != nil {
		return err
	}
	port := int(binary.BigEndian.Uint16(pb))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	up, err := dial(ctx, host, port)
	cancel()
	if err != nil {
		reply(c, hostUnreachable)
		return fmt.Errorf("connect %s: %w", net.JoinHostPort(host, strconv.Itoa(port)), err)
	}
	defer up.Close()
	if err := reply(c, succeeded); err != nil {
		return err
	}
	_ = c.SetDeadline(time.Time{})
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(up, c); closeWrite(up); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, up); closeWrite(c); done <- struct{}{} }()
	<-done
	<-done
	return nil
}

func closeWrite(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
}

func reply(c net.Conn, code byte) error {
	_, err := c.Write([]byte{5, code, 0, 1, 0, 0, 0, 0, 0, 0})
	return err
}
