// Command weft-agent runs a cluster's agent: it enrols once with the
// cluster's one-time secret, then follows the cluster's desired state and
// applies it.
//
// The WireGuard, proxy and DNS appliers are not built yet: this agent
// records the desired state it converges to (in state.json in its state
// directory) and programs nothing. It says so when it starts.
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/spf13/cobra"

	"weft.dev/agent/converge"
	"weft.dev/agent/enrol"
	"weft.dev/events/clusterstate"
)

type options struct {
	server, cluster, secret, stateDir, endpoint, natsURL string
}

func main() {
	if err := newRoot(os.Stderr).Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "weft-agent:", err)
		os.Exit(1)
	}
}

func newRoot(stderr io.Writer) *cobra.Command {
	o := &options{}
	cmd := &cobra.Command{
		Use:   "weft-agent",
		Short: "Run a cluster's weft agent",
		Example: "  weft-agent --server http://weft.example.com:4000 --cluster 0193… --enrolment-secret wfe_…\n" +
			"  weft-agent --cluster 0193… --state-dir /var/lib/weft-agent   # already enrolled",
		SilenceUsage: true, SilenceErrors: true,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return run(ctx, o, slog.New(slog.NewTextHandler(stderr, nil)))
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.server, "server", "http://127.0.0.1:4000", "weft-server's HTTP address (for enrolment)")
	f.StringVar(&o.cluster, "cluster", "", "the cluster's id")
	f.StringVar(&o.secret, "enrolment-secret", os.Getenv("WEFT_ENROLMENT_SECRET"), "the one-time enrolment secret (first start only)")
	f.StringVar(&o.stateDir, "state-dir", "", "where the agent keeps its credentials and state (default ./.weft/agent-<cluster>)")
	f.StringVar(&o.endpoint, "endpoint", "", "host:port where other gateways reach this one")
	f.StringVar(&o.natsURL, "nats-url", "", "override the NATS URL the server gave at enrolment")
	_ = cmd.MarkFlagRequired("cluster")
	return cmd
}

func run(ctx context.Context, o *options, log *slog.Logger) error {
	if o.stateDir == "" {
		o.stateDir = filepath.Join(".weft", "agent-"+o.cluster)
	}
	creds, err := enrol.Load(o.stateDir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if o.secret == "" {
			return fmt.Errorf("not enrolled yet: pass --enrolment-secret (printed once by weft cluster create)")
		}
		creds, err = enrol.Enrol(ctx, o.server, o.cluster, o.secret)
		if err != nil {
			return err
		}
		if err := enrol.Save(o.stateDir, creds); err != nil {
			return err
		}
		log.Info("enrolled", "cluster", o.cluster, "team", creds.Team)
	case err != nil:
		return err
	}
	url := creds.NATSURL
	if o.natsURL != "" {
		url = o.natsURL
	}
	if url == "" {
		return errors.New("the server gave no NATS URL (it listens in-process only): start weft-server with --nats-listen, or pass --nats-url")
	}
	nc, err := nats.Connect(url, nats.UserInfo(creds.User, creds.Password), nats.CustomInboxPrefix(creds.InboxPrefix),
		nats.Name("weft-agent "+o.cluster), nats.MaxReconnects(-1), nats.ReconnectWait(time.Second))
	if err != nil {
		return fmt.Errorf("connect to %s: %w", url, err)
	}
	defer nc.Close()

	// The gateway's key pair would come from the WireGuard applier; until it
	// exists the agent reports a key made here, kept like the real one.
	pub, err := gatewayKey(o.stateDir)
	if err != nil {
		return err
	}
	rec := converge.NewRecorder(clusterstate.Gateway{PublicKey: pub, Endpoint: o.endpoint})
	a, err := converge.New(converge.Config{Cluster: o.cluster, Peers: rec, Routes: rec, DNS: rec, Version: "dev", Logger: log})
	if err != nil {
		return err
	}
	log.Warn("WireGuard, proxy and DNS appliers are not built yet: recording the desired state only", "state", filepath.Join(o.stateDir, "state.json"))
	go dumpState(ctx, a, rec, o.stateDir, log)
	return a.Run(ctx, nc)
}

// gatewayKey returns the public half of the gateway key kept in dir (0600),
// making one on first use. The private half never leaves this host.
func gatewayKey(dir string) (string, error) {
	p := filepath.Join(dir, "gateway.key")
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		k := make([]byte, 32)
		if _, err := rand.Read(k); err != nil {
			return "", err
		}
		b = []byte(base64.StdEncoding.EncodeToString(k))
		if err := os.WriteFile(p, b, 0o600); err != nil {
			return "", fmt.Errorf("save gateway key: %w", err)
		}
	} else if err != nil {
		return "", fmt.Errorf("read gateway key: %w", err)
	}
	priv, err := base64.StdEncoding.DecodeString(string(b))
	if err != nil || len(priv) != 32 {
		return "", fmt.Errorf("%s is not a key", p)
	}
	return publicKey(priv), nil
}

// dumpState writes what the agent converged to, for operators and tests.
func dumpState(ctx context.Context, a *converge.Agent, rec *converge.Recorder, dir string, log *slog.Logger) {
	var last uint64
	for {
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_ = a.WaitFor(wctx, last+1)
		cancel()
		if ctx.Err() != nil {
			return
		}
		seq := a.Applied()
		if seq == last {
			continue
		}
		last = seq
		st := struct {
			Applied uint64                         `json:"applied"`
			Self    clusterstate.Self              `json:"self"`
			Peers   map[string]clusterstate.Peer   `json:"peers"`
			Routes  map[string]clusterstate.Route  `json:"routes"`
			Records map[string]clusterstate.Record `json:"records"`
		}{Applied: seq}
		b := func() []byte {
			st.Self, st.Peers, st.Routes, st.Records = rec.Snapshot()
			out, _ := json.MarshalIndent(st, "", "  ")
			return out
		}()
		tmp := filepath.Join(dir, "state.json.tmp")
		if err := os.WriteFile(tmp, b, 0o600); err != nil {
			log.Warn("state not written", "err", err)
		} else if err := os.Rename(tmp, filepath.Join(dir, "state.json")); err != nil {
			log.Warn("state not written", "err", err)
		}
	}
}
