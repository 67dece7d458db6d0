package gateway

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"reflect"
	"unsafe"

	"github.com/wundergraph/graphql-go-tools/execution/engine"
	"github.com/wundergraph/graphql-go-tools/v2/pkg/engine/resolve"

	"weft.dev/kernel/fault"
)

// asyncErrors receives the errors of subscriptions whose upstream could
// not start (a subgraph that refuses the websocket, or a client that
// completed the operation while it was being dialled). graphql-go-tools
// calls its resolver's AsyncErrorWriter then and dereferences it without a
// nil check, so without one any client could crash the gateway by
// subscribing and completing at once.
type asyncErrors struct{ log *slog.Logger }

func (a asyncErrors) WriteError(_ *resolve.Context, err error, _ *resolve.GraphQLResponse, w io.Writer) {
	if errors.Is(err, context.Canceled) || w == nil {
		// The client is gone or completed it: nobody to tell.
		return
	}
	a.log.Warn("a subscription's upstream did not start", "err", err)
	raw := []byte(`{"errors":[{"message":"the subscription could not be started; try again","extensions":{"code":"` + string(fault.Unavailable) + `"}}]}`)
	if _, werr := w.Write(raw); werr != nil {
		return
	}
	if f, ok := w.(interface{ Flush() error }); ok {
		_ = f.Flush()
	}
}

// setAsyncErrorWriter gives eng's resolver w. The execution engine does
// not expose its resolver, so the field is reached by reflection; if a
// release renames it, composition fails loudly here (and the gateway's
// tests with it) instead of running without one.
func setAsyncErrorWriter(eng *engine.ExecutionEngine, w resolve.AsyncErrorWriter) error {
	f := reflect.ValueOf(eng).Elem().FieldByName("resolver")
	if !f.IsValid() || f.Type() != reflect.TypeOf((*resolve.Resolver)(nil)) {
		return errors.New("graphql-go-tools' ExecutionEngine has no resolver field of type *resolve.Resolver; update setAsyncErrorWriter")
	}
	r := reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface().(*resolve.Resolver)
	if r == nil {
		return errors.New("the execution engine has no resolver")
	}
	r.SetAsyncErrorWriter(w)
	return nil
}
