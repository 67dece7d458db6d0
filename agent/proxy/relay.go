package proxy

import (
	"errors"
	"io"
	"net"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// relay copies one direction of a proxied connection, src to dst, until
// src ends, then closes dst's write side so the far end sees the end too.
//
// Between two kernel TCP sockets (the gateway on a TUN device) the bytes
// move with splice(2) through a pipe, never through this process's memory,
// and the pipe is held only while data is moving: an idle connection holds
// no pipe and no buffer, so 10,000 idle connections cost their sockets and
// two goroutines each, not four more file descriptors and a megabyte pipe.
// (io.Copy between *net.TCPConn splices too, but keeps its pipe for the
// connection's whole life.) Other connections (the userspace stack's, on a
// rootless gateway) copy through a buffer from a pool, taken in the same
// way only once src has something to read, when src can say so (a kernel
// socket, or a netstack.Conn's WaitRead): one held while blocked in Read
// made each idle connection cost two 32 KiB buffers.
func (p *Proxy) relay(dst, src net.Conn) {
	d, dok := dst.(*net.TCPConn)
	s, sok := src.(*net.TCPConn)
	if dok && sok {
		_ = p.pipes.splice(d, s)
		_ = d.CloseWrite()
		return
	}
	p.copyWhenReadable(dst, src)
	if c, ok := dst.(interface{ CloseWrite() error }); ok {
		_ = c.CloseWrite()
	}
}

// readWaiter is a connection that can wait until a Read would not block,
// holding nothing meanwhile (netstack.Conn).
type readWaiter interface{ WaitRead() error }

// copyWhenReadable copies src to dst until src ends or either fails,
// holding a pooled buffer only between src becoming readable and its
// bytes being written.
func (p *Proxy) copyWhenReadable(dst, src net.Conn) {
	var wait func() error
	switch c := src.(type) {
	case readWaiter:
		wait = c.WaitRead
	case *net.TCPConn:
		sr, err := c.SyscallConn()
		if err != nil {
			return
		}
		wait = func() error { return waitReadable(sr) }
	default:
		buf := p.bufs.Get().(*[]byte)
		_, _ = io.CopyBuffer(onlyWriter{dst}, onlyReader{src}, *buf)
		p.bufs.Put(buf)
		return
	}
	for {
		if err := wait(); err != nil {
			return
		}
		buf := p.bufs.Get().(*[]byte)
		n, rerr := src.Read(*buf)
		var werr error
		if n > 0 {
			_, werr = dst.Write((*buf)[:n])
		}
		p.bufs.Put(buf)
		if rerr != nil || werr != nil {
			return
		}
	}
}

// onlyReader and onlyWriter hide ReadFrom and WriteTo, so io.CopyBuffer
// uses the pooled buffer instead of making one of its own.
type onlyReader struct{ io.Reader }
type onlyWriter struct{ io.Writer }

// pipeSize is what a pipe is asked to hold (as Go's own splice does); a
// smaller pipe works, with more system calls.
const pipeSize = 1 << 20

// pipe is one splice pipe: its read and write ends.
type pipe struct{ r, w int }

// pipePool keeps a few empty pipes for the next connection that has data
// to move; the rest are closed.
type pipePool struct {
	mu   sync.Mutex
	free []pipe
}

const maxFreePipes = 64

func (pp *pipePool) get() (pipe, error) {
	pp.mu.Lock()
	if n := len(pp.free); n > 0 {
		p := pp.free[n-1]
		pp.free = pp.free[:n-1]
		pp.mu.Unlock()
		return p, nil
	}
	pp.mu.Unlock()
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		return pipe{}, err
	}
	_, _ = unix.FcntlInt(uintptr(fds[0]), unix.F_SETPIPE_SZ, pipeSize)
	return pipe{r: fds[0], w: fds[1]}, nil
}

// put takes back an empty pipe; one that may hold bytes is closed.
func (pp *pipePool) put(p pipe, empty bool) {
	if empty {
		pp.mu.Lock()
		if len(pp.free) < maxFreePipes {
			pp.free = append(pp.free, p)
			pp.mu.Unlock()
			return
		}
		pp.mu.Unlock()
	}
	_ = unix.Close(p.r)
	_ = unix.Close(p.w)
}

// close closes the pooled pipes.
func (pp *pipePool) close() {
	pp.mu.Lock()
	free := pp.free
	pp.free = nil
	pp.mu.Unlock()
	for _, p := range free {
		_ = unix.Close(p.r)
		_ = unix.Close(p.w)
	}
}

// splice moves src's bytes to dst until src's end (nil) or an error. It
// waits for src to be readable holding nothing, takes a pipe, moves what
// src has until it would block, and gives the pipe back.
func (pp *pipePool) splice(dst, src *net.TCPConn) error {
	sr, err := src.SyscallConn()
	if err != nil {
		return err
	}
	dr, err := dst.SyscallConn()
	if err != nil {
		return err
	}
	for {
		if err := waitReadable(sr); err != nil {
			return err
		}
		p, err := pp.get()
		if err != nil {
			return err
		}
		done, err := moveAvailable(dr, sr, p)
		pp.put(p, err == nil)
		if err != nil || done {
			return err
		}
	}
}

// waitReadable returns once a kernel socket is readable (data, the end, or
// an error), holding nothing meanwhile; a peek consumes nothing.
func waitReadable(sr syscall.RawConn) error {
	return sr.Read(func(fd uintptr) bool {
		var b [1]byte
		_, _, err := unix.Recvfrom(int(fd), b[:], unix.MSG_PEEK|unix.MSG_DONTWAIT)
		return !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.EINTR)
	})
}

// moveAvailable splices from src into the pipe and on to dst until src
// would block (done false) or ends (done true). The pipe is empty again
// when it returns without an error.
func moveAvailable(dr, sr interface {
	Read(func(uintptr) bool) error
	Write(func(uintptr) bool) error
}, p pipe) (done bool, err error) {
	for {
		var n int64
		var serr error
		if err := sr.Read(func(fd uintptr) bool {
			for {
				n, serr = unix.Splice(int(fd), nil, p.w, nil, pipeSize, unix.SPLICE_F_MOVE|unix.SPLICE_F_NONBLOCK)
				if !errors.Is(serr, unix.EINTR) {
					return true
				}
			}
		}); err != nil {
			return false, err
		}
		switch {
		case errors.Is(serr, unix.EAGAIN):
			return false, nil
		case serr != nil:
			return false, serr
		case n == 0:
			return true, nil
		}
		for left := n; left > 0; {
			var m int64
			var werr error
			if err := dr.Write(func(fd uintptr) bool {
				m, werr = unix.Splice(p.r, nil, int(fd), nil, int(left), unix.SPLICE_F_MOVE|unix.SPLICE_F_NONBLOCK)
				// dst is full: wait until it can take more.
				return !errors.Is(werr, unix.EAGAIN)
			}); err != nil {
				return false, err
			}
			if errors.Is(werr, unix.EINTR) {
				continue
			}
			if werr != nil {
				return false, werr
			}
			left -= m
		}
	}
}
