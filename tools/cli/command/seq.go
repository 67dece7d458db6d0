package command

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/Khan/genqlient/graphql"
)

// seqClient gives separate CLI invocations read-your-writes: a mutation's
// payload seq is recorded in the context, and every later query that takes
// $minSeq is sent with it, so `weft app create` followed at once by
// `weft app get` sees the app.
type seqClient struct {
	next graphql.Client
	a    *app
}

func (c seqClient) MakeRequest(ctx context.Context, req *graphql.Request, resp *graphql.Response) error {
	mutation := strings.HasPrefix(strings.TrimSpace(req.Query), "mutation")
	if !mutation && c.a.seq > 0 {
		setMinSeq(req.Variables, c.a.seq)
	}
	err := c.next.MakeRequest(ctx, req, resp)
	if err == nil && mutation {
		if seq := payloadSeq(resp.Data); seq > c.a.seq {
			c.a.seq = seq
			if werr := c.a.recordSeq(seq); werr != nil {
				// The write succeeded; only read-your-writes of a later
				// command is at stake, so warn instead of failing.
				fmt.Fprintf(c.a.o.Stderr, "warning: %v\n", werr)
			}
		}
	}
	return err
}

// setMinSeq fills the MinSeq variable of a generated operation's
// variables, unless the caller set it.
func setMinSeq(vars any, seq int) {
	v := reflect.ValueOf(vars)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return
	}
	f := v.Elem().FieldByName("MinSeq")
	if !f.IsValid() || !f.CanSet() || f.Type() != reflect.TypeFor[*int]() || !f.IsNil() {
		return
	}
	f.Set(reflect.ValueOf(&seq))
}

// payloadSeq reads seq out of a mutation's payload ({"createApp": {..., "seq": 57}}).
func payloadSeq(data any) int {
	b, err := json.Marshal(data)
	if err != nil {
		return 0
	}
	var fields map[string]struct {
		Seq int `json:"seq"`
	}
	if json.Unmarshal(b, &fields) != nil {
		return 0
	}
	best := 0
	for _, f := range fields {
		best = max(best, f.Seq)
	}
	return best
}

// recordSeq stores seq as the context's last write.
func (a *app) recordSeq(seq int) error {
	if a.ctxName == "" {
		return nil // running from WEFT_* variables alone: nowhere to keep it
	}
	f, err := a.loadConfig()
	if err != nil {
		return fmt.Errorf("record the write's sequence: %w", err)
	}
	c, ok := f.Get(a.ctxName)
	if !ok || c.Seq >= seq {
		return nil
	}
	c.Seq = seq
	if err := a.saveConfig(f); err != nil {
		return fmt.Errorf("record the write's sequence: %w", err)
	}
	return nil
}
