package gateway_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// bomb is a request built to make the gateway work far more than its
// size suggests, and where it must be stopped: limit is extensions.limit
// of the refusal and stage where it happens ("text": before the text is
// parsed; "parsed": after parsing, before normalisation and validation).
type bomb struct {
	name, limit, stage string
	query              string
}

func gqlBody(q string) []byte {
	b, _ := json.Marshal(map[string]string{"query": q})
	return b
}

// bombs are built against the default limits and the test subgraphs'
// schema; each is just over one limit, the largest ones filling the 1 MiB
// body limit.
func bombs() []bomb {
	var aliases strings.Builder // 1 MiB of aliased __typename: 55,000 aliases
	aliases.WriteString("{ ")
	for i := 0; aliases.Len() < 1<<20-32; i++ {
		fmt.Fprintf(&aliases, "a%d: __typename ", i)
	}
	aliases.WriteString("}")

	deep := `{ team(slug: "acme") ` + strings.Repeat("{a", 100_000) + strings.Repeat("}", 100_001)
	wide := `{ team(slug: "acme") { ` + strings.Repeat("displayName ", 87_000) + `} }`
	list := `{ team(slug: [` + strings.Repeat(`1,`, 200_000) + `]) { displayName } }`

	// Forty fragments, each spreading the next twice: 2^40 fields once
	// inlined, from a request of two kilobytes.
	var fanout strings.Builder
	fanout.WriteString(`{ team(slug: "acme") { ...F0 } } fragment F40 on Team { displayName }`)
	for i := 39; i >= 0; i-- {
		fmt.Fprintf(&fanout, " fragment F%d on Team { ...F%d ...F%d }", i, i+1, i+1)
	}
	// A cycle through three fragments, each spreading the next twice.
	cycle := `{ team(slug: "acme") { ...A } }
fragment A on Team { displayName ...B ...B }
fragment B on Team { slug ...C ...C }
fragment C on Team { displayName ...A ...A }`

	return []bomb{
		{"55,000 aliases in 1 MiB", "aliases", "text", aliases.String()},
		{"100,000 levels of nesting", "nesting", "text", deep},
		{"87,000 fields in one selection", "tokens", "text", wide},
		{"a list value of 200,000 items", "tokens", "text", list},
		{"fragments doubling 40 times", "complexity", "parsed", fanout.String()},
		{"a cycle of fragments spreading twice", "fragments", "parsed", cycle},
		{"501 unaliased __typename", "complexity", "parsed", "{ " + strings.Repeat("__typename ", 501) + "}"},
		{"101 aliases", "aliases", "text", "{ " + func() string {
			var b strings.Builder
			for i := range 101 {
				fmt.Fprintf(&b, "t%d: __typename ", i)
			}
			return b.String()
		}() + "}"},
	}
}

// limitRefusals reads the gateway's count of refusals over limit at stage.
func (h *harness) limitRefusals(limit, stage string) float64 {
	h.t.Helper()
	mfs, err := h.reg.Gather()
	if err != nil {
		h.t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "weft_gateway_limit_refusals_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			got := map[string]string{}
			for _, l := range m.GetLabel() {
				got[l.GetName()] = l.GetValue()
			}
			if got["limit"] == limit && got["stage"] == stage {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// Every bomb is refused with a coded error naming the limit, at the stage
// that keeps its cost linear in its size: text bombs before the parser
// sees them (the parser recurses per bracket, and the validator merges
// aliases pairwise: 55,000 aliases of __typename took minutes of CPU), and
// fragment bombs after parsing but before normalisation inlines them
// (doubling fragments inline to 2^40 fields; a cycle never ends). No
// subgraph is called. How long each refusal takes is recorded by
// BenchmarkRefusingBombs, not timed here.
func TestBombsAreRefusedBeforeTheWorkTheyWouldCause(t *testing.T) {
	h := start(t)
	for _, b := range bombs() {
		t.Run(b.name, func(t *testing.T) {
			h.sg.reset()
			body := gqlBody(b.query)
			if len(body) > 1<<20 {
				t.Fatalf("the bomb is %d bytes, over the body limit", len(body))
			}
			before := h.limitRefusals(b.limit, b.stage)
			r := h.do(alice, body)
			if r.status != http.StatusBadRequest || r.code() != "BAD_USER_INPUT" {
				t.Fatalf("status %d, errors %+v; want 400 BAD_USER_INPUT", r.status, r.Errors)
			}
			if got := r.Errors[0].Extensions["limit"]; got != b.limit {
				t.Errorf("extensions.limit = %v, want %s (%s)", got, b.limit, r.Errors[0].Message)
			}
			if got := h.limitRefusals(b.limit, b.stage) - before; got != 1 {
				t.Errorf("refusals over %s at stage %s went up by %v, want 1", b.limit, b.stage, got)
			}
			if n := h.sg.total(); n != 0 {
				t.Errorf("%d subgraph requests for a refused request", n)
			}
		})
	}
}

// At the limits exactly, the same shapes are answered.
func TestOperationsAtTheLimitsAreAnswered(t *testing.T) {
	h := start(t)
	var aliases strings.Builder
	for i := range 100 {
		fmt.Fprintf(&aliases, "t%d: __typename ", i)
	}
	var fanout strings.Builder // 2^8 = 256 fields of 500
	fanout.WriteString(`{ team(slug: "acme") { ...F0 } } fragment F8 on Team { displayName }`)
	for i := 7; i >= 0; i-- {
		fmt.Fprintf(&fanout, " fragment F%d on Team { ...F%d ...F%d }", i, i+1, i+1)
	}
	for name, q := range map[string]string{
		"100 aliases":            "{ " + aliases.String() + "}",
		"500 __typename":         "{ " + strings.Repeat("__typename ", 500) + "}",
		"fragments to 256":       fanout.String(),
		"fragments spread apart": `{ team(slug: "acme") { ...A ...B } } fragment A on Team { ...B } fragment B on Team { slug }`,
	} {
		t.Run(name, func(t *testing.T) {
			var got map[string]any
			h.do(alice, gqlBody(q)).decode(t, &got)
		})
	}
}

// BenchmarkRefusingBombs is the CPU one refusal costs, the whole request
// through the gateway's handler on this goroutine (no network): reading
// the body, decoding it, authenticating and refusing. For the 1 MiB bombs
// the raw baseline is "decode only": encoding/json reading the same body,
// which any gateway must do.
func BenchmarkRefusingBombs(b *testing.B) {
	h := start(b)
	handler := h.gw.Handler()
	for _, bm := range bombs() {
		body := gqlBody(bm.query)
		b.Run(strings.ReplaceAll(bm.name, " ", "_"), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Authorization", alice["Authorization"])
				req.Header.Set("Weft-Team", alice["Weft-Team"])
				rec := httptest.NewRecorder()
				handler.ServeHTTP(rec, req)
				if rec.Code != http.StatusBadRequest {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
		b.Run(strings.ReplaceAll(bm.name, " ", "_")+"/decode_only", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				var req struct{ Query string }
				if err := json.Unmarshal(body, &req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
