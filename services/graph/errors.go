package graph

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"weft.dev/kernel/fault"
)

// ErrorPresenter turns a resolver's error into what the client sees:
// a *fault.Error keeps its message, with extensions.code and, for bad
// input, extensions.field; gqlgen's own parse and validation errors are
// BAD_USER_INPUT; anything else is INTERNAL with the message "internal
// error (request <id>)", its details logged under that id and never sent.
func ErrorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		if !errors.As(err, &gqlErr) {
			gqlErr = gqlerror.WrapPath(graphql.GetPath(ctx), err)
		}
		if f, ok := fault.As(err); ok && f.Code != fault.Internal {
			ext := map[string]any{"code": string(f.Code)}
			if f.Field != "" {
				ext["field"] = f.Field
			}
			return &gqlerror.Error{Message: f.Error(), Path: gqlErr.Path, Locations: gqlErr.Locations, Extensions: ext}
		}
		if gqlErr.Err == nil {
			// gqlgen's own: the document did not parse, did not validate,
			// or went over a limit. The client can fix all of these.
			ext := map[string]any{"code": string(fault.Invalid)}
			if reason, ok := gqlErr.Extensions["code"]; ok {
				ext["reason"] = reason
			}
			return &gqlerror.Error{Message: gqlErr.Message, Path: gqlErr.Path, Locations: gqlErr.Locations, Extensions: ext, Rule: gqlErr.Rule}
		}
		id := requestID()
		log.ErrorContext(ctx, "graphql internal error", "request", id, "path", gqlErr.Path.String(), "err", err)
		return &gqlerror.Error{
			Message:    "internal error (request " + id + ")",
			Path:       gqlErr.Path,
			Extensions: map[string]any{"code": string(fault.Internal), "requestId": id},
		}
	}
}

// Recover turns a resolver's panic into an internal error (logged by
// ErrorPresenter with its request id) instead of a dead connection.
func Recover(ctx context.Context, v any) error {
	return fmt.Errorf("panic in resolver: %v", v)
}

func requestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
