package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"weft.dev/gateway"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/accounts"
)

// remoteAuthTimeout bounds one token check: every request through the
// gateway waits on it, so a stuck accounts service must fail fast.
const remoteAuthTimeout = 3 * time.Second

// remoteAuthenticator resolves tokens through the accounts service of
// another process (accounts.AuthenticatePath), proving itself with a system
// principal signed with the shared internal key.
type remoteAuthenticator struct {
	url    string
	signer *auth.Signer
	client *http.Client
}

var _ gateway.Authenticator = (*remoteAuthenticator)(nil)

// newRemoteAuthenticator returns an authenticator for the accounts service
// at base (its HTTP endpoint, e.g. http://host:4000).
func newRemoteAuthenticator(base string, s *auth.Signer) *remoteAuthenticator {
	return &remoteAuthenticator{
		url:    strings.TrimSuffix(base, "/") + accounts.AuthenticatePath,
		signer: s,
		client: &http.Client{Timeout: remoteAuthTimeout},
	}
}

func (a *remoteAuthenticator) Authenticate(ctx context.Context, token, team string) (auth.Principal, error) {
	return a.ask(ctx, accounts.AuthenticateRequest{Token: token, Team: team})
}

// waitApplied returns once the accounts service has applied seq.
func (a *remoteAuthenticator) waitApplied(ctx context.Context, seq uint64) error {
	_, err := a.ask(ctx, accounts.AuthenticateRequest{MinSeq: seq})
	return err
}

func (a *remoteAuthenticator) ask(ctx context.Context, in accounts.AuthenticateRequest) (auth.Principal, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return auth.Principal{}, fmt.Errorf("encode authenticate request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.url, bytes.NewReader(body))
	if err != nil {
		return auth.Principal{}, fmt.Errorf("authenticate at %s: %w", a.url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Weft-Principal", a.signer.Sign(auth.SystemPrincipal("gateway"), time.Minute))
	resp, err := a.client.Do(req)
	if err != nil {
		return auth.Principal{}, fmt.Errorf("authenticate at %s: %w", a.url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// Not the client's fault (a wrong key file, say): internal, so the
		// gateway logs it and tells the client nothing of it.
		return auth.Principal{}, fmt.Errorf("authenticate at %s: status %s", a.url, resp.Status)
	}
	var out accounts.AuthenticateResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return auth.Principal{}, fmt.Errorf("authenticate at %s: decode: %w", a.url, err)
	}
	switch {
	case out.Error != nil && out.Error.Code == fault.Internal:
		return auth.Principal{}, fmt.Errorf("authenticate at %s: the accounts service failed", a.url)
	case out.Error != nil:
		return auth.Principal{}, out.Error
	case out.Principal == nil && in.Token == "":
		return auth.Principal{}, nil
	case out.Principal == nil:
		return auth.Principal{}, fmt.Errorf("authenticate at %s: empty answer", a.url)
	}
	return *out.Principal, nil
}
