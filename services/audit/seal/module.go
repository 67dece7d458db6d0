package seal

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"path/filepath"
	"time"

	"go.uber.org/fx"

	"weft.dev/events"
	"weft.dev/events/chain"
	"weft.dev/services/platform"
)

// KeyPath is where the checkpoint key's public half is published.
const KeyPath = "/.well-known/weft/checkpoint-key"

// PublishedKey is what KeyPath answers.
type PublishedKey struct {
	Algorithm string `json:"algorithm"` // ed25519
	KeyID     string `json:"keyId"`
	PublicKey string `json:"publicKey"` // standard base64 of the 32-byte key
}

// Published describes pub as KeyPath answers it.
func Published(pub []byte) PublishedKey {
	return PublishedKey{Algorithm: "ed25519", KeyID: chain.KeyID(pub), PublicKey: chain.EncodeKey(pub)}
}

// Module provides the *Sealer (started and stopped with the app), its
// event type, and the public key at KeyPath.
var Module = fx.Options(
	platform.EventTypes(Register),
	fx.Provide(newSealer),
	fx.Provide(platform.AsRoute(keyRoute)),
)

func newSealer(lc fx.Lifecycle, cfg platform.Config, store *events.Store, log *slog.Logger, _ *platform.Projections) (*Sealer, error) {
	path := cfg.CheckpointKeyFile
	if path == "" {
		path = filepath.Join(cfg.DataDir, "checkpoint.key")
	}
	key, err := LoadKey(path)
	if err != nil {
		return nil, err
	}
	every := cfg.CheckpointEvery
	if every <= 0 {
		every = time.Minute
	}
	s := New(store, key, every, log.With("component", "seal"))
	lc.Append(fx.Hook{
		OnStart: func(context.Context) error { s.Start(); return nil },
		OnStop:  func(context.Context) error { s.Stop(); return nil },
	})
	return s, nil
}

func keyRoute(s *Sealer) platform.Route {
	body, _ := json.Marshal(Published(s.PublicKey()))
	return platform.Route{Pattern: "GET " + KeyPath, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})}
}
