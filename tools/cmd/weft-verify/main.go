// Command weft-verify checks weft's event log on its own: it needs only
// the events (the EVENTS stream over NATS, or a JSON-lines export) and the
// public key of the server's checkpoints, and reports the first event
// whose content, order or absence breaks the hash chain (docs/auditing.md).
//
//	weft-verify --replay replay.json --key-url https://weft.example     (weft audit credentials -o json > replay.json)
//	weft-verify --nats nats://hub:4222 --nats-creds ops.creds --team acme --key-url https://weft.example
//	weft-verify --file acme.jsonl --key 8Jk...=
//
// Exit code 0 when everything verifies, 1 when something does not or the
// events could not be read, 2 for a wrong command line.
package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/nats-io/nats.go"

	"weft.dev/events/chain"
	"weft.dev/tools/verify"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type usageError struct{ error }

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	rep, err := check(ctx, args, stdin, stderr)
	var u usageError
	switch {
	case errors.As(err, &u):
		fmt.Fprintln(stderr, "weft-verify:", err)
		return 2
	case err != nil:
		fmt.Fprintln(stderr, "weft-verify:", err)
		return 1
	}
	if rep.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep.Report)
	} else {
		verify.Describe(stdout, rep.Report)
	}
	if !rep.OK {
		return 1
	}
	return 0
}

type result struct {
	chain.Report
	json bool
}

func check(ctx context.Context, args []string, stdin io.Reader, stderr io.Writer) (result, error) {
	f := flag.NewFlagSet("weft-verify", flag.ContinueOnError)
	f.SetOutput(stderr)
	key := f.String("key", "", "the checkpoint key: standard base64 of the 32-byte ed25519 public key")
	keyFile := f.String("key-file", "", "a file holding the checkpoint key (as --key)")
	keyURL := f.String("key-url", "", "a weft server's URL (or the full URL of its /.well-known/weft/checkpoint-key) to fetch the key from")
	replay := f.String("replay", "", "read the team's events with the replay credentials in this file (weft audit credentials -o json)")
	natsURL := f.String("nats", "", "read the EVENTS stream from this NATS server (nats://host:4222)")
	creds := f.String("nats-creds", "", "NATS credentials file (JWT and seed)")
	user := f.String("nats-user", "", "NATS user name")
	password := f.String("nats-password", "", "NATS password (or $WEFT_NATS_PASSWORD)")
	inbox := f.String("nats-inbox-prefix", "", "NATS inbox prefix (a replay user's own)")
	team := f.String("team", "", "verify this team's events only (default, with --nats: the whole log)")
	file := f.String("file", "", "read a JSON-lines export (weft audit export --format jsonl); - for stdin")
	asJSON := f.Bool("json", false, "print the report as JSON")
	if err := f.Parse(args); err != nil {
		return result{}, usageError{err}
	}
	var apiPrefix string
	if *replay != "" {
		r, err := readReplay(*replay)
		if err != nil {
			return result{}, usageError{err}
		}
		*natsURL, *user, *password, apiPrefix, *team = r.NatsURL, r.User, r.Password, r.APIPrefix, r.team()
		*inbox = r.InboxPrefix
	}
	if (*natsURL == "") == (*file == "") {
		return result{}, usageError{errors.New("give exactly one of --nats, --replay and --file")}
	}
	pub, err := loadKey(ctx, *key, *keyFile, *keyURL)
	if err != nil {
		return result{}, err
	}
	if pub == nil {
		fmt.Fprintln(stderr, "weft-verify: no --key, --key-file or --key-url: checkpoints' signatures will not be checked")
	}
	v := chain.NewVerifier(pub)
	add := func(m chain.Message) error { v.Add(m); return nil }
	if *file != "" {
		in := stdin
		if *file != "-" {
			fh, err := os.Open(*file)
			if err != nil {
				return result{}, usageError{err}
			}
			defer fh.Close()
			in = fh
		}
		if err := verify.ReadExport(in, add); err != nil {
			return result{}, err
		}
		return result{Report: v.Report(), json: *asJSON}, nil
	}
	opts := []nats.Option{nats.Name("weft-verify"), nats.Timeout(10 * time.Second)}
	if *creds != "" {
		opts = append(opts, nats.UserCredentials(*creds))
	}
	if *password == "" {
		*password = os.Getenv("WEFT_NATS_PASSWORD")
	}
	if *user != "" {
		opts = append(opts, nats.UserInfo(*user, *password))
	}
	if *inbox != "" {
		opts = append(opts, nats.CustomInboxPrefix(*inbox))
	}
	nc, err := nats.Connect(*natsURL, opts...)
	if err != nil {
		return result{}, fmt.Errorf("connect to %s: %w", *natsURL, err)
	}
	defer nc.Close()
	if err := verify.ReadStream(ctx, nc, apiPrefix, *team, add); err != nil {
		return result{}, err
	}
	return result{Report: v.Report(), json: *asJSON}, nil
}

func loadKey(ctx context.Context, key, file, url string) (ed25519.PublicKey, error) {
	switch {
	case key != "":
		k, err := chain.ParseKey(key)
		if err != nil {
			return nil, usageError{err}
		}
		return k, nil
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, usageError{err}
		}
		k, err := chain.ParseKey(string(b))
		if err != nil {
			return nil, usageError{fmt.Errorf("%s: %w", file, err)}
		}
		return k, nil
	case url != "":
		return verify.FetchKey(ctx, url)
	}
	return nil, nil
}

// replayCredentials is what weft audit credentials -o json writes.
type replayCredentials struct {
	NatsURL     string `json:"natsUrl"`
	User        string `json:"user"`
	Password    string `json:"password"`
	APIPrefix   string `json:"apiPrefix"`
	InboxPrefix string `json:"inboxPrefix"`
	Subjects    string `json:"subjects"` // ev.<team>.>
}

// team is the team the credentials read.
func (r replayCredentials) team() string {
	parts := strings.Split(r.Subjects, ".")
	if len(parts) != 3 {
		return ""
	}
	return parts[1]
}

func readReplay(path string) (replayCredentials, error) {
	var r replayCredentials
	b, err := os.ReadFile(path)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("%s: %w", path, err)
	}
	if r.NatsURL == "" || r.APIPrefix == "" || r.team() == "" {
		return r, fmt.Errorf("%s: not replay credentials (natsUrl, apiPrefix and subjects ev.<team>.> wanted)", path)
	}
	return r, nil
}
