package gateway

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/wundergraph/graphql-go-tools/v2/pkg/graphqlerrors"
	"github.com/wundergraph/graphql-go-tools/v2/pkg/operationreport"
	"github.com/wundergraph/graphql-go-tools/v2/pkg/variablesvalidation"

	"weft.dev/kernel/fault"
)

// gqlError is one entry of a GraphQL response's errors array.
type gqlError struct {
	Message    string                     `json:"message"`
	Locations  []operationreport.Location `json:"locations,omitempty"`
	Path       []any                      `json:"path,omitempty"`
	Extensions map[string]any             `json:"extensions,omitempty"`
}

func coded(code fault.Code, msg string) gqlError {
	return gqlError{Message: msg, Extensions: map[string]any{"code": string(code)}}
}

// requestError is a request the gateway refuses before executing it: the
// HTTP status to answer with and the GraphQL errors to show.
type requestError struct {
	status int
	errs   []gqlError
}

func (e *requestError) Error() string {
	if len(e.errs) == 0 {
		return http.StatusText(e.status)
	}
	return e.errs[0].Message
}

func refuse(status int, code fault.Code, format string, args ...any) *requestError {
	return &requestError{status: status, errs: []gqlError{coded(code, fmt.Sprintf(format, args...))}}
}

// statusOf maps a fault code to the HTTP status of a refused request.
func statusOf(code fault.Code) int {
	switch code {
	case fault.Unauthenticated:
		return http.StatusUnauthorized
	case fault.Forbidden:
		return http.StatusForbidden
	case fault.NotFound:
		return http.StatusNotFound
	case fault.Invalid:
		return http.StatusBadRequest
	case fault.Conflict:
		return http.StatusConflict
	case fault.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// faultError turns an error from the Authenticator into a refusal; only
// *fault.Error messages are shown, anything else is logged with a request
// id that the client sees instead.
func faultError(log *slog.Logger, err error, action string) *requestError {
	if f, ok := fault.As(err); ok && f.Code != fault.Internal {
		e := coded(f.Code, f.Error())
		if f.Field != "" {
			e.Extensions["field"] = f.Field
		}
		return &requestError{status: statusOf(f.Code), errs: []gqlError{e}}
	}
	return internal(log, err, action)
}

func internal(log *slog.Logger, err error, action string) *requestError {
	id := requestID()
	log.Error(action, "err", err, "request_id", id)
	return refuse(http.StatusInternalServerError, fault.Internal, "internal error (request id %s)", id)
}

func requestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// executionError classifies an error returned by the engine before any
// data was resolved: parse, validation and variable errors are the
// client's; anything else is internal and only logged.
func executionError(log *slog.Logger, err error) *requestError {
	var report operationreport.Report
	var reqErrs graphqlerrors.RequestErrors
	var varErr *variablesvalidation.InvalidVariableError
	switch {
	case errors.As(err, &report):
		if len(report.ExternalErrors) == 0 {
			return internal(log, err, "execute operation")
		}
		out := &requestError{status: http.StatusBadRequest}
		for _, e := range report.ExternalErrors {
			ge := coded(fault.Invalid, e.Message)
			ge.Locations = e.Locations
			out.errs = append(out.errs, ge)
		}
		return out
	case errors.As(err, &reqErrs):
		out := &requestError{status: http.StatusBadRequest}
		for _, e := range reqErrs {
			ge := coded(fault.Invalid, e.Message)
			ge.Locations = e.Locations
			out.errs = append(out.errs, ge)
		}
		return out
	case errors.As(err, &varErr):
		return refuse(http.StatusBadRequest, fault.Invalid, "%s", varErr.Message)
	}
	return internal(log, err, "execute operation")
}

func writeErrors(w http.ResponseWriter, e *requestError) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status)
	_ = json.NewEncoder(w).Encode(struct {
		Errors []gqlError `json:"errors"`
	}{e.errs})
}

// ensureCodes gives every error in a resolved response an
// extensions.code: subgraph errors keep theirs; the engine's "Failed to
// fetch from Subgraph" (unreachable, or an answer that is not GraphQL)
// becomes UNAVAILABLE, and anything else without a code INTERNAL.
// Responses without errors are returned untouched, so the common path
// costs one bytes.Contains.
func ensureCodes(resp []byte) []byte {
	if !bytes.Contains(resp, []byte(`"errors"`)) {
		return resp
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(resp, &doc); err != nil {
		return resp
	}
	var errs []map[string]any
	if err := json.Unmarshal(doc["errors"], &errs); err != nil || len(errs) == 0 {
		return resp
	}
	changed := false
	for _, e := range errs {
		ext, _ := e["extensions"].(map[string]any)
		if ext == nil {
			ext = map[string]any{}
			e["extensions"] = ext
		}
		if _, ok := ext["code"]; !ok {
			ext["code"] = string(fault.Internal)
			if msg, _ := e["message"].(string); strings.HasPrefix(msg, "Failed to fetch from Subgraph") {
				ext["code"] = string(fault.Unavailable)
			}
			changed = true
		}
	}
	if !changed {
		return resp
	}
	raw, err := json.Marshal(errs)
	if err != nil {
		return resp
	}
	doc["errors"] = raw
	out, err := json.Marshal(doc)
	if err != nil {
		return resp
	}
	return out
}
