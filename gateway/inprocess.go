package gateway

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// serveInProcess answers a subgraph request by calling the subgraph's
// handler in this process. The request is the one the engine built - same
// method, path, headers (the signed principal among them) and body - so the
// subgraph sees exactly what it would over HTTP, without a second socket
// round trip and the encoding and syscalls that come with it. The answer
// is buffered whole: subgraph queries and mutations answer with one JSON
// document (subscriptions never come here; they dial the websocket).
func serveInProcess(h http.Handler, req *http.Request, timeout time.Duration) (resp *http.Response, err error) {
	growStack(0)
	ctx, cancel := context.WithTimeout(req.Context(), timeout)
	defer cancel()
	in := req.Clone(ctx)
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
	w := &bufferedResponse{header: http.Header{}}
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
		w.header.Set("Content-Length", strconv.Itoa(w.body.Len()))
	}
	return &http.Response{
		Status:        strconv.Itoa(w.status) + " " + http.StatusText(w.status),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        w.header,
		Body:          io.NopCloser(&w.body),
		ContentLength: int64(w.body.Len()),
		Request:       req,
	}, nil
}

// bufferedResponse is the http.ResponseWriter of an in-process call.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
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
