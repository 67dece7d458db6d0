package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// serveInProcess answers a subgraph request by calling the subgraph's
// handler in this process. The request is the one the engine built - same
// method, path, headers (the signed principal among them) and body - so the
// subgraph sees exactly what it would over HTTP, without a second socket
// round trip and the encoding and syscalls that come with it. The answer
// is buffered whole: subgraph queries and mutations answer with one JSON
// document (subscriptions never come here; they dial the websocket). The
// buffer comes from bufs and goes back there when the engine closes the
// answer's body (it copies the body out first).
func serveInProcess(h http.Handler, req *http.Request, timeout time.Duration, bufs *bufferPool) (resp *http.Response, err error) {
	growStack(0)
	ctx, cancel := context.WithTimeout(req.Context(), timeout)
	defer cancel()
	// A shallow copy: the engine made req for this one call and drops it
	// after, so the handler may share its header and URL (a deep Clone
	// copied both for every fetch).
	in := req.WithContext(ctx)
	in.RequestURI = req.URL.RequestURI()
	in.Host = req.URL.Host
	in.RemoteAddr = "in-process"
	if in.Body == nil {
		in.Body = http.NoBody
	}
	defer func() {
		if in.Body != nil {
			_ = in.Body.Close()
		}
	}()
	buf := bufs.get()
	w := &bufferedResponse{header: http.Header{}, body: buf}
	// A panicking handler would take the gateway down with it; net/http
	// would have dropped the connection, so the engine gets an error.
	defer func() {
		if p := recover(); p != nil {
			resp, err = nil, fmt.Errorf("subgraph %s panicked: %v", req.URL.Path, p)
		}
	}()
	h.ServeHTTP(w, in)
	if err := ctx.Err(); err != nil && req.Context().Err() == nil {
		return nil, fmt.Errorf("subgraph %s: no answer within %s", req.URL.Path, timeout)
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.header.Get("Content-Length") == "" {
		w.header.Set("Content-Length", strconv.Itoa(buf.Len()))
	}
	return &http.Response{
		Status:        strconv.Itoa(w.status) + " " + http.StatusText(w.status),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        w.header,
		Body:          &bufferedBody{buf: buf, bufs: bufs},
		ContentLength: int64(buf.Len()),
		Request:       req,
	}, nil
}

// bufferPool keeps answer buffers for reuse: the gateway's answers to
// clients and the in-process subgraphs' answers to the engine (a fresh
// buffer per request was a tenth of the gateway's own allocations).
type bufferPool struct{ p sync.Pool }

// maxPooledBody bounds the buffers kept, so that one huge answer does not
// stay pinned in the pool.
const maxPooledBody = 1 << 20

func (b *bufferPool) get() *bytes.Buffer {
	if x, ok := b.p.Get().(*bytes.Buffer); ok {
		x.Reset()
		return x
	}
	return bytes.NewBuffer(make([]byte, 0, 4096))
}

func (b *bufferPool) put(x *bytes.Buffer) {
	if x.Cap() <= maxPooledBody {
		b.p.Put(x)
	}
}

// bufferedBody is an in-process answer's body. Its last Read returns
// io.EOF with the last bytes, so that bytes.Buffer.ReadFrom (how the
// engine reads a subgraph's answer) stops there instead of growing its
// buffer once more only to learn of the end; Close hands the buffer back.
type bufferedBody struct {
	buf  *bytes.Buffer
	bufs *bufferPool
}

func (b *bufferedBody) Read(p []byte) (int, error) {
	if b.buf == nil {
		return 0, errors.New("read of a closed subgraph answer")
	}
	n, _ := b.buf.Read(p)
	if b.buf.Len() == 0 {
		return n, io.EOF
	}
	return n, nil
}

func (b *bufferedBody) Close() error {
	if b.buf != nil {
		b.bufs.put(b.buf)
	}
	b.buf = nil
	return nil
}

// bufferedResponse is the http.ResponseWriter of an in-process call.
type bufferedResponse struct {
	header http.Header
	status int
	body   *bytes.Buffer
}

func (w *bufferedResponse) Header() http.Header { return w.header }

func (w *bufferedResponse) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *bufferedResponse) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}

// Flush lets handlers that flush as they write run unchanged; the answer
// is handed over whole anyway.
func (w *bufferedResponse) Flush() {}

// inProcessStack is about the stack a subgraph's handler needs below
// serveInProcess (gqlgen's executor nests deeply: a console list of apps
// with their clusters reaches about 20 KB).
const inProcessStack = 16 << 10

// growStack grows the calling goroutine's stack to fit a subgraph's
// handler in one step, while the stack is still shallow. The engine
// fetches in parallel on a fresh goroutine each (a 2 KB stack), and
// letting the handler grow it doubling by doubling copied an ever deeper
// stack four times over: runtime.copystack was 5% of the gateway's CPU in
// BenchmarkGatewayServicesThroughput. One frame of inProcessStack bytes
// makes the runtime allocate a stack that holds it at once.
//
//go:noinline
func growStack(i int) byte {
	var frame [inProcessStack]byte
	return frame[i%len(frame)]
}
