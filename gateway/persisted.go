package gateway

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/wundergraph/graphql-go-tools/execution/graphql"

	"weft.dev/kernel/fault"
)

// persisted resolves persisted operations: weft's CLI and portal send the
// id of an operation registered at build time (the SHA-256 of its text, in
// extensions.persistedQuery.sha256Hash, the wire format Apollo's and
// Hive's clients use) instead of its text. With only set, nothing else
// runs: an operation whose text is not registered is refused before it is
// parsed, so production answers only what weft's own clients ask.
type persisted struct {
	byID     map[string]string
	only     bool
	refusals *prometheus.CounterVec
}

func newPersisted(ops map[string]string, only bool, refusals *prometheus.CounterVec) *persisted {
	return &persisted{byID: ops, only: only, refusals: refusals}
}

// resolve fills req.Query from the registered operation id names, checks
// that a text sent beside an id is that operation's, and, with only,
// refuses an operation that is not registered.
func (p *persisted) resolve(req *graphql.Request, id string) *requestError {
	switch {
	case id != "":
		text, ok := p.byID[id]
		if !ok {
			return p.refuse("not-found", http.StatusBadRequest, fault.Invalid, "no registered operation has the id %q: this server knows the operations of weft's CLI and portal of its own version (update the client, or send the operation's text)", id)
		}
		if req.Query != "" && req.Query != text {
			return p.refuse("mismatch", http.StatusBadRequest, fault.Invalid, "the query's text is not the registered operation %q: send the id alone", id)
		}
		req.Query = text
	case p.only:
		if _, ok := p.byID[operationID(req.Query)]; !ok {
			return p.refuse("required", http.StatusForbidden, fault.Forbidden, "this server runs only the registered operations of weft's CLI and portal; this operation is not one of them (send a registered operation, by its id in extensions.persistedQuery.sha256Hash)")
		}
	}
	return nil
}

func (p *persisted) refuse(reason string, status int, code fault.Code, format string, args ...any) *requestError {
	p.refusals.WithLabelValues(reason).Inc()
	e := refuse(status, code, format, args...)
	e.errs[0].Extensions["persisted"] = reason
	return e
}

// operationID is the id of an operation's text: its SHA-256 in hex (as
// schemas.OperationID, which registers them).
func operationID(query string) string {
	h := sha256.Sum256([]byte(query))
	return hex.EncodeToString(h[:])
}
