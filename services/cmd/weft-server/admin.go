package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/fx"

	"weft.dev/events/broker"
	"weft.dev/services/accounts/command"
	"weft.dev/services/platform"
)

// runOnce starts the selected services without serving anyone (no HTTP
// listener beyond loopback, no NATS listener), runs fn and stops them, so
// the read models write their snapshots. The embedded store admits one
// process: run it while the server is stopped, or against --nats-url.
func runOnce(ctx context.Context, o *options, stderr io.Writer, fn func(context.Context) error, extra ...fx.Option) error {
	log, err := newLogger(o, stderr)
	if err != nil {
		return err
	}
	cfg := *o
	cfg.HTTPAddr = "127.0.0.1:0"
	cfg.NATSListen = ""
	if len(cfg.only) == 0 {
		// The services with read models; the gateway serves no one here,
		// and the message office must not write from a one-off command.
		for n := range services(o) {
			if n != "gateway" && n != "messageoffice" {
				cfg.only = append(cfg.only, n)
			}
		}
	}
	app, err := newApp(&cfg, log, extra...)
	if err != nil {
		return err
	}
	if err := app.Err(); err != nil {
		return err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	startCtx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	if err := app.Start(startCtx); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	runErr := fn(ctx)
	stopCtx, cancelStop := context.WithTimeout(context.Background(), time.Minute)
	defer cancelStop()
	if err := app.Stop(stopCtx); err != nil {
		return fmt.Errorf("stop: %w", err)
	}
	return runErr
}

func newRebuild(o *options, stdout, stderr io.Writer) *cobra.Command {
	var names []string
	cmd := &cobra.Command{
		Use:   "rebuild --projection NAME[,NAME…]|all",
		Short: "Drop read models and replay them from the event log",
		Long: "rebuild drops the named read models' snapshots and replays the whole EVENTS log into them,\n" +
			"then stores the new snapshots. Stop weft-server first (the embedded store admits one process),\n" +
			"or point --nats-url at the deployment the services use.",
		Example: "  weft-server rebuild --projection infra\n  weft-server rebuild --projection all --data-dir /var/lib/weft",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(names) == 0 {
				return fmt.Errorf("--projection: name a read model, or all")
			}
			o.Rebuild = names
			var p *platform.Projections
			return runOnce(cmd.Context(), o, stderr, func(context.Context) error {
				for _, r := range p.Runners {
					if err := r.Err(); err != nil {
						return err
					}
					if o.Rebuild[0] == "all" || contains(o.Rebuild, r.Name()) {
						fmt.Fprintf(stdout, "rebuilt %s up to event %d\n", r.Name(), r.Applied())
					}
				}
				return nil
			}, fx.Populate(&p))
		},
	}
	cmd.Flags().StringSliceVar(&names, "projection", nil, "read models to rebuild (accounts, infra, console) or all")
	return cmd
}

func newBootstrapToken(o *options, stdout, stderr io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "bootstrap-token",
		Short: "Make a new token for the administrator recorded at the first start",
		Long: "bootstrap-token records a new API token for the bootstrap administrator and prints it once.\n" +
			"Use it when the first start's token is lost. It runs on the host that holds the data\n" +
			"(stop weft-server first), or against --nats-url.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.only = []string{"accounts"}
			var h *command.Handlers
			return runOnce(cmd.Context(), o, stderr, func(ctx context.Context) error {
				res, err := h.NewBootstrapToken(ctx)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(stdout, "%s\n", res.Object.Secret)
				return err
			}, fx.Populate(&h))
		},
	}
}

func newCalloutIssuer(stdout io.Writer) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "callout-issuer",
		Short: "Make the key pair an external NATS trusts weft-server's auth callout with",
		Long: "callout-issuer writes a new account seed to --out (mode 0600), for weft-server's\n" +
			"--nats-callout-issuer, and prints its public key for the NATS configuration:\n\n" +
			"  authorization {\n    users: [ { user: weft, password: $WEFT_NATS_PASSWORD } ]\n" +
			"    auth_callout { issuer: <public key>, auth_users: [ weft ] }\n  }",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			seed, pub, err := broker.NewIssuer()
			if err != nil {
				return err
			}
			f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return fmt.Errorf("write the issuer's seed: %w", err)
			}
			if _, err := f.Write(append(seed, '\n')); err != nil {
				f.Close()
				return fmt.Errorf("write the issuer's seed: %w", err)
			}
			if err := f.Close(); err != nil {
				return fmt.Errorf("write the issuer's seed: %w", err)
			}
			_, err = fmt.Fprintln(stdout, pub)
			return err
		},
	}
	cmd.Flags().StringVar(&out, "out", "callout-issuer.seed", "file the seed is written to (refused when it exists)")
	return cmd
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
