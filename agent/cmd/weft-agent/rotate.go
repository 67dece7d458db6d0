package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"golang.zx2c4.com/wireguard/wgctrl/wgtypes"

	"weft.dev/agent/wireguard"
	"weft.dev/events/clusterstate"
	"weft.dev/events/gatewaykey"
)

// rotationFile holds the proof of the gateway's last key move, beside its
// key: public keys and a signature, nothing secret. The agent sends it
// with its gateway report until the server has recorded the move (a
// report of the key it already has appends nothing).
const rotationFile = "gateway.rotation.json"

// newRotateCmd is `weft-agent rotate-gateway-key`: the gateway moves to a
// new WireGuard key, proving the move with the key it has, so the server
// records it without the cluster enrolling again. It runs while the agent
// is stopped (both use the state directory); the agent reports the new key
// and its proof when it starts.
func newRotateCmd(stdout io.Writer) *cobra.Command {
	var cluster, stateDir string
	cmd := &cobra.Command{
		Use:   "rotate-gateway-key",
		Short: "Move the cluster's gateway to a new WireGuard key, signed by the key it has (stop the agent first; it reports the move when it starts)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if err := clusterstate.CheckToken("--cluster", cluster); err != nil {
				return err
			}
			if stateDir == "" {
				stateDir = filepath.Join(".weft", "agent-"+cluster)
			}
			pub, err := rotateGatewayKey(stateDir, cluster)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(stdout, "gateway key rotated: new public key %s\nrestart the agent: it reports the new key with the old key's signature\n", pub)
			return err
		},
	}
	cmd.Flags().StringVar(&cluster, "cluster", "", "the cluster's id")
	cmd.Flags().StringVar(&stateDir, "state-dir", "", "the agent's state directory (default ./.weft/agent-<cluster>)")
	_ = cmd.MarkFlagRequired("cluster")
	return cmd
}

// rotateGatewayKey makes a new key in stateDir, signs the move to it with
// the current one, and replaces the key file with the new key. The proof
// is written first and the key last, each by rename, so a crash leaves
// the old key with a proof the agent ignores (its target is not the key),
// or the new key with its proof: never a key without the way to report it.
func rotateGatewayKey(stateDir, cluster string) (string, error) {
	keyFile := filepath.Join(stateDir, "gateway.key")
	if _, err := os.Stat(keyFile); err != nil {
		return "", fmt.Errorf("no gateway key to rotate in %s: %w", stateDir, err)
	}
	old, err := wireguard.LoadOrCreateKey(keyFile)
	if err != nil {
		return "", err
	}
	next, err := wgtypes.GeneratePrivateKey()
	if err != nil {
		return "", fmt.Errorf("make key: %w", err)
	}
	from, to := old.PublicKey().String(), next.PublicKey().String()
	proof, err := gatewaykey.Sign([32]byte(old), cluster, from, to)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(struct {
		To string `json:"to"`
		gatewaykey.Rotation
	}{to, proof})
	if err != nil {
		return "", err
	}
	if err := writeFileAtomic(filepath.Join(stateDir, rotationFile), b, 0o600); err != nil {
		return "", err
	}
	if err := writeFileAtomic(keyFile, []byte(next.String()+"\n"), 0o600); err != nil {
		return "", err
	}
	return to, nil
}

// loadRotation returns the proof of a move to key pub, or nil when the
// state directory holds none for that key.
func loadRotation(stateDir, pub string) (*gatewaykey.Rotation, error) {
	b, err := os.ReadFile(filepath.Join(stateDir, rotationFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the gateway key's rotation: %w", err)
	}
	var r struct {
		To string `json:"to"`
		gatewaykey.Rotation
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", rotationFile, err)
	}
	if r.To != pub {
		return nil, nil
	}
	return &r.Rotation, nil
}

func writeFileAtomic(path string, b []byte, mode os.FileMode) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, mode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
