package command

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/Khan/genqlient/graphql"

	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/config"
)

// cannedClient answers each operation with fixed data, in process; it
// records the variables each request carried.
type cannedClient struct {
	data map[string]string
	vars map[string]json.RawMessage
}

func (c *cannedClient) MakeRequest(_ context.Context, req *graphql.Request, resp *graphql.Response) error {
	b, _ := json.Marshal(req.Variables)
	c.vars[req.OpName] = b
	return json.Unmarshal([]byte(c.data[req.OpName]), resp.Data)
}

func TestAWritesSequenceIsKeptAndSentAsMinSeqByLaterReads(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.yaml")
	f := &config.File{Current: "one", Contexts: []config.Context{{Name: "one", Server: "http://x", Token: "weft_t", Team: "acme"}}}
	if err := f.Save(path); err != nil {
		t.Fatal(err)
	}
	canned := &cannedClient{vars: map[string]json.RawMessage{}, data: map[string]string{
		"DeleteApp": `{"deleteApp":{"app":{"id":"a1","name":"api"},"seq":57}}`,
		"Apps":      `{"apps":{"edges":[],"pageInfo":{"hasNextPage":false}}}`,
	}}

	// First command: a write.
	a := &app{o: Options{ConfigPath: path, Getenv: func(string) string { return "" }}}
	if _, err := a.endpoint(true); err != nil {
		t.Fatal(err)
	}
	if _, err := api.DeleteApp(context.Background(), seqClient{canned, a}, "a1"); err != nil {
		t.Fatal(err)
	}
	got, _ := config.Load(path)
	if c, _ := got.Get("one"); c.Seq != 57 {
		t.Fatalf("context seq = %d after a write at 57", c.Seq)
	}

	// Next command: a read waits for that write.
	b := &app{o: Options{ConfigPath: path, Getenv: func(string) string { return "" }}}
	if _, err := b.endpoint(true); err != nil {
		t.Fatal(err)
	}
	if _, err := api.Apps(context.Background(), seqClient{canned, b}, nil, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	var vars struct {
		MinSeq *int `json:"minSeq"`
	}
	if err := json.Unmarshal(canned.vars["Apps"], &vars); err != nil || vars.MinSeq == nil || *vars.MinSeq != 57 {
		t.Errorf("read sent variables %s, want minSeq 57", canned.vars["Apps"])
	}
}

func TestAnExplicitMinSeqIsNotOverwritten(t *testing.T) {
	t.Parallel()
	mine := 3
	vars := &struct{ MinSeq *int }{MinSeq: &mine}
	setMinSeq(vars, 99)
	if *vars.MinSeq != 3 {
		t.Errorf("minSeq = %d, want the caller's 3", *vars.MinSeq)
	}
}
