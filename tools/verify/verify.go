// Package verify feeds weft's event log to the hash chain's verifier
// (weft.dev/events/chain) from where an auditor has it, an export file
// (weft audit export --format jsonl) or the EVENTS stream over NATS, and
// says what it found in words. weft audit verify and the standalone
// weft-verify use it.
package verify

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/nats-io/nats.go"

	"weft.dev/events"
	"weft.dev/events/chain"
)

// ExportLine is what the verifier reads of one line of a JSON-lines export.
type ExportLine struct {
	Seq           uint64 `json:"seq"`
	Team          string `json:"team"`
	AggregateType string `json:"aggregateType"`
	AggregateID   string `json:"aggregateId"`
	Chain         *struct {
		Prev   string `json:"prev"`
		Hash   string `json:"hash"`
		Stored string `json:"stored"`
	} `json:"chain"`
	Summary json.RawMessage `json:"summary"`
}

// Message is the verifier's view of an exported event.
func (l ExportLine) Message() chain.Message {
	m := chain.Message{Seq: l.Seq, Subject: events.Subject(l.Team, events.AggregateRef{Type: l.AggregateType, ID: l.AggregateID})}
	if l.Chain != nil {
		m.Prev, m.Hash, m.Data = l.Chain.Prev, l.Chain.Hash, []byte(l.Chain.Stored)
	}
	return m
}

// ReadExport calls fn for every event of a JSON-lines export, in file
// order, skipping the summary lines that end each part.
func ReadExport(r io.Reader, fn func(chain.Message) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var l ExportLine
		if err := json.Unmarshal(line, &l); err != nil {
			return fmt.Errorf("read export line %d: %w", n, err)
		}
		if l.Summary != nil {
			continue
		}
		if l.Seq == 0 || l.Team == "" {
			return fmt.Errorf("read export line %d: not an exported event (no seq or team)", n)
		}
		if err := fn(l.Message()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read export: %w", err)
	}
	return nil
}

// ReadStream calls fn for every stored event of team ("" for all) in the
// EVENTS stream over nc, with direct gets only, sent to apiPrefix ("":
// $JS.API; a replay user's own prefix, which weft's guard serves).
func ReadStream(ctx context.Context, nc *nats.Conn, apiPrefix, team string, fn func(chain.Message) error) error {
	opts := []events.Option{events.WithTimeout(30 * time.Second)}
	if apiPrefix != "" {
		opts = append(opts, events.WithAPIPrefix(apiPrefix))
	}
	return events.NewStore(nc, events.NewRegistry(), opts...).Stored(ctx, team, 1, fn)
}

// FetchKey reads the checkpoint key a weft server publishes: url is the
// server's base URL, or the full URL of the key.
func FetchKey(ctx context.Context, url string) (ed25519.PublicKey, error) {
	if !strings.Contains(url, "/.well-known/") {
		url = strings.TrimSuffix(url, "/") + "/.well-known/weft/checkpoint-key"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch the checkpoint key: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch the checkpoint key: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch the checkpoint key from %s: %s", url, resp.Status)
	}
	var k struct {
		Algorithm string `json:"algorithm"`
		PublicKey string `json:"publicKey"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&k); err != nil {
		return nil, fmt.Errorf("fetch the checkpoint key from %s: %w", url, err)
	}
	if k.Algorithm != "ed25519" {
		return nil, fmt.Errorf("fetch the checkpoint key from %s: algorithm %q, want ed25519", url, k.Algorithm)
	}
	return chain.ParseKey(k.PublicKey)
}

// Describe writes what rep says, for a person: the verdict first, then
// each team's chain.
func Describe(w io.Writer, rep chain.Report) {
	switch {
	case rep.Events == 0:
		fmt.Fprintln(w, "no events read")
	case rep.OK:
		fmt.Fprintf(w, "OK: %d events (sequences %d to %d) verify\n", rep.Events, rep.FirstSeq, rep.LastSeq)
	default:
		fmt.Fprintf(w, "BROKEN at sequence %d (%s): %s\n  %s\n", rep.First.Seq, rep.First.Subject, rep.First.Kind, rep.First.Detail)
		if n := len(rep.Breaks); n > 1 {
			fmt.Fprintf(w, "  and %d more break(s) after it, first listed by --json\n", n-1)
		}
	}
	if rep.KeyID == "" {
		fmt.Fprintln(w, "checkpoint signatures NOT checked: no key given")
	} else {
		fmt.Fprintf(w, "checkpoints checked with key %s\n", rep.KeyID)
	}
	if rep.Partial {
		fmt.Fprintln(w, "a range from the middle of the log: links to events before it and checkpoints' digests not checked")
	}
	for _, t := range rep.Teams {
		fmt.Fprintf(w, "team %s: %d events", t.Team, t.Events)
		switch {
		case t.Start == 0:
			fmt.Fprint(w, ", all stored before the chain started: not covered")
		case t.BeforeChain > 0:
			fmt.Fprintf(w, "; the chain starts at sequence %d (%d events before it are not covered)", t.Start, t.BeforeChain)
		default:
			fmt.Fprintf(w, "; the chain starts at sequence %d", t.Start)
		}
		if t.Checkpoints > 0 {
			fmt.Fprintf(w, "; %d checkpoints verified, sealed up to sequence %d; %d events after it not sealed yet\n", t.Checkpoints, t.SealedUpTo, t.Unsealed)
		} else {
			fmt.Fprintf(w, "; no checkpoint verified: %d events not sealed\n", t.Unsealed)
		}
	}
}
