package command

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"weft.dev/events/chain"
	"weft.dev/tools/cli/api"
	"weft.dev/tools/verify"
)

// pages serves events 1..n, size at a time, like the events query, each
// chained to the one before as the store chains them.
func pages(n, size int, fail int) func(context.Context, *string) ([]api.ExportEventFields, *string, error) {
	calls := 0
	hashes := map[int]chain.Hash{0: chain.Genesis}
	return func(_ context.Context, after *string) ([]api.ExportEventFields, *string, error) {
		calls++
		if calls == fail {
			return nil, nil, errors.New("connection reset")
		}
		from := 1
		if after != nil {
			from, _ = strconv.Atoi(*after)
			from++
		}
		var out []api.ExportEventFields
		for s := from; s < from+size && s <= n; s++ {
			data := json.RawMessage(`{"name":"web, \"prod\""}`)
			stored := `{"id":"e` + strconv.Itoa(s) + `","data":{"name":"web, \"prod\""}}`
			h := chain.Of(hashes[s-1], "ev.acme.app.a1", []byte(stored))
			hashes[s] = h
			e := api.ExportEventFields{EventFields: api.EventFields{Seq: s * 2, Id: "e" + strconv.Itoa(s), Time: time.Unix(int64(s), 0), Type: "console.app.created", Version: 2,
				Team: "acme", AggregateType: "app", AggregateId: "a1", Actor: "user:u1", ActorName: "alice", Data: &data, Known: true}}
			e.Chain = &api.ExportEventFieldsChainEventChain{Prev: hashes[s-1].String(), Hash: h.String(), Stored: stored}
			out = append(out, e)
		}
		if from+size > n {
			return out, nil, nil
		}
		next := strconv.Itoa(from + size - 1)
		return out, &next, nil
	}
}

func TestExportStreamsEveryPageAndEndsWithAVerifiableSummary(t *testing.T) {
	var out bytes.Buffer
	sum := exportSummary{Scope: "acme"}
	if err := export(context.Background(), &out, "jsonl", &sum, chain.NewVerifier(nil), pages(7, 3, 0)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 8 {
		t.Fatalf("%d lines, want 7 events and a summary:\n%s", len(lines), out.String())
	}
	var last struct{ Summary exportSummary }
	if err := json.Unmarshal([]byte(lines[7]), &last); err != nil {
		t.Fatal(err)
	}
	s := last.Summary
	body := strings.Join(lines[:7], "\n") + "\n"
	digest := sha256.Sum256([]byte(body))
	if s.Events != 7 || s.FirstSeq != 2 || s.LastSeq != 14 || !s.Ordered || s.DuplicateIDs != 0 || s.Resume != "--from-seq 15" || s.SHA256 != hex.EncodeToString(digest[:]) ||
		!s.Chain.OK || s.Chain.Events != 7 {
		t.Fatalf("summary %+v", s)
	}
	var e api.EventFields
	if err := json.Unmarshal([]byte(lines[0]), &e); err != nil || e.Seq != 2 || e.Id != "e1" {
		t.Fatalf("first line %s: %v", lines[0], err)
	}
}

func TestExportAsCSVHasOneRowPerEventAndTheSummaryAsAComment(t *testing.T) {
	var out bytes.Buffer
	sum := exportSummary{Scope: "acme"}
	if err := export(context.Background(), &out, "csv", &sum, chain.NewVerifier(nil), pages(4, 2, 0)); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(strings.NewReader(out.String()))
	r.Comment = '#'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || strings.Join(rows[0], ",") != strings.Join(csvHeader, ",") {
		t.Fatalf("rows %v", rows)
	}
	if rows[1][0] != "2" || rows[1][13] != `{"name":"web, \"prod\""}` || rows[1][len(csvHeader)-2] == "" {
		t.Fatalf("row %v", rows[1])
	}
	if !strings.Contains(out.String(), "\n# summary {") || !strings.Contains(out.String(), `"events":4`) {
		t.Fatalf("no summary:\n%s", out.String())
	}
}

func TestABrokenExportKeepsWhatItWroteAndResumesFromTheNextSequence(t *testing.T) {
	var out bytes.Buffer
	sum := exportSummary{Scope: "acme"}
	err := export(context.Background(), &out, "jsonl", &sum, chain.NewVerifier(nil), pages(7, 3, 2))
	if err == nil {
		t.Fatal("the broken read was not reported")
	}
	if strings.Contains(out.String(), "summary") || strings.Count(out.String(), "\n") != 3 {
		t.Fatalf("a broken export holds the first page and no summary:\n%s", out.String())
	}
	if sum.LastSeq != 6 {
		t.Fatalf("last sequence written %d, want 6", sum.LastSeq)
	}
}

func TestExportSummarySaysWhereTheExportedChainBreaks(t *testing.T) {
	var out bytes.Buffer
	sum := exportSummary{Scope: "acme"}
	read := pages(7, 3, 0)
	// Event 5 (sequence 10) is not what was written.
	changed := func(ctx context.Context, after *string) ([]api.ExportEventFields, *string, error) {
		p, next, err := read(ctx, after)
		for i := range p {
			if p[i].Seq == 10 {
				c := *p[i].Chain
				c.Stored = strings.Replace(c.Stored, "web", "wab", 1)
				p[i].Chain = &c
			}
		}
		return p, next, err
	}
	if err := export(context.Background(), &out, "jsonl", &sum, chain.NewVerifier(nil), changed); err != nil {
		t.Fatal(err)
	}
	if sum.Chain.OK || sum.Chain.First.Seq != 10 || sum.Chain.First.Kind != chain.BreakContent {
		t.Fatalf("summary's chain: %+v", sum.Chain)
	}
	// The file itself verifies the same way.
	v := chain.NewVerifier(nil)
	if err := verify.ReadExport(&out, func(m chain.Message) error { v.Add(m); return nil }); err != nil {
		t.Fatal(err)
	}
	if rep := v.Report(); rep.OK || rep.First.Seq != 10 || rep.Events != 7 {
		t.Fatalf("the file verifies as %+v", rep)
	}
}
