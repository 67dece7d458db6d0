// Command etcd runs a single-member etcd server from go.etcd.io/etcd/server/v3's
// embed package, for the Kubernetes control plane that weft's tests start
// (weft.dev/agent/kube/kubetest). Debian's etcd is too old for the API server
// of k8s.io/kubernetes v1.37, and the etcd module's own main brings the gRPC
// proxy and gateway along, which a test never needs.
//
// It takes the few flags a test needs, runs until SIGINT or SIGTERM, and then
// closes the server so its data directory is consistent.
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "etcd:", err)
		os.Exit(1)
	}
}

func run() error {
	dataDir := flag.String("data-dir", "", "directory for the member's data (required)")
	client := flag.String("listen-client-url", "http://127.0.0.1:2379", "URL the clients (the API server) connect to; also advertised")
	peer := flag.String("listen-peer-url", "http://127.0.0.1:2380", "URL for peer traffic; a single member listens but has no peers")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()
	if *dataDir == "" {
		return fmt.Errorf("--data-dir is required")
	}
	clientURL, err := url.Parse(*client)
	if err != nil {
		return fmt.Errorf("parse --listen-client-url: %w", err)
	}
	peerURL, err := url.Parse(*peer)
	if err != nil {
		return fmt.Errorf("parse --listen-peer-url: %w", err)
	}

	cfg := embed.NewConfig()
	cfg.Dir = *dataDir
	cfg.LogLevel = *logLevel
	cfg.ListenClientUrls = []url.URL{*clientURL}
	cfg.AdvertiseClientUrls = []url.URL{*clientURL}
	cfg.ListenPeerUrls = []url.URL{*peerURL}
	cfg.AdvertisePeerUrls = []url.URL{*peerURL}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)

	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	defer e.Close()
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(time.Minute):
		return fmt.Errorf("not ready after a minute")
	}
	slog.Info("etcd ready", "client", clientURL.String())

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	select {
	case <-stop:
		return nil
	case err := <-e.Err():
		return fmt.Errorf("serve: %w", err)
	}
}
