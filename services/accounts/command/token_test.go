package command_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/accounts/command"
	"weft.dev/services/accounts/domain"
)

func TestTokenWorksUntilRevoked(t *testing.T) {
	h := setup(t)
	ada := h.user("ada")
	h.team(ada, "acme")
	tk := h.token(ada)
	if !strings.HasPrefix(tk.Secret, "weft_"+tk.ID+"_") {
		t.Fatalf("token %q does not carry its id %s", tk.Secret, tk.ID)
	}

	if p := h.signIn(tk.Secret, ""); p != (auth.Principal{UserID: ada}) {
		t.Fatalf("team-less principal %+v", p)
	}
	if p := h.signIn(tk.Secret, "acme"); p != (auth.Principal{UserID: ada, Team: "acme", Role: auth.Owner}) {
		t.Fatalf("team principal %+v", p)
	}

	// A different user cannot revoke it: to them it does not exist.
	bob := h.user("bob")
	_, err := h.h.RevokeToken(h.ctx, auth.Principal{UserID: bob}, command.TokenInput{ID: tk.ID})
	wantFault(t, err, fault.NotFound, "id")
	h.signIn(tk.Secret, "acme")

	res, err := h.h.RevokeToken(h.ctx, auth.Principal{UserID: ada}, command.TokenInput{ID: tk.ID})
	if err != nil || !res.Object.Revoked {
		t.Fatalf("revoke: %+v, %v", res, err)
	}
	for _, team := range []string{"", "acme"} {
		_, err = h.h.Authenticate(h.ctx, tk.Secret, team)
		wantFault(t, err, fault.Unauthenticated, "")
	}
	// Revoking again changes nothing.
	before := h.lastSeq()
	if _, err := h.h.RevokeToken(h.ctx, auth.Principal{UserID: ada}, command.TokenInput{ID: tk.ID}); err != nil {
		t.Fatal(err)
	}
	if h.lastSeq() != before {
		t.Fatal("second revoke appended")
	}

	// The user's other tokens are unaffected.
	h.signIn(h.token(ada).Secret, "acme")
}

func TestTokenWorksUntilItExpires(t *testing.T) {
	h := setup(t)
	ada := h.user("ada")
	exp := h.clock.Now().Add(time.Hour)
	res, err := h.h.CreateToken(h.ctx, auth.Principal{UserID: ada}, command.CreateTokenInput{Name: "ci", ExpiresAt: &exp})
	if err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(59 * time.Minute)
	h.signIn(res.Object.Secret, "")
	h.clock.Advance(time.Minute)
	_, err = h.h.Authenticate(h.ctx, res.Object.Secret, "")
	wantFault(t, err, fault.Unauthenticated, "")

	past := h.clock.Now().Add(-time.Second)
	_, err = h.h.CreateToken(h.ctx, auth.Principal{UserID: ada}, command.CreateTokenInput{ExpiresAt: &past})
	wantFault(t, err, fault.Invalid, "expiresAt")
}

func TestAuthenticateRefusesEveryBadTokenAlike(t *testing.T) {
	h := setup(t)
	ada := h.user("ada")
	tk := h.token(ada)
	id := tk.ID
	secret := tk.Secret[len("weft_"+id+"_"):]
	flipped := []byte(secret)
	flipped[0] ^= 1
	for name, bad := range map[string]string{
		"empty":             "",
		"no prefix":         id + "_" + secret,
		"wrong secret":      "weft_" + id + "_" + string(flipped),
		"short secret":      "weft_" + id + "_" + secret[:10],
		"unknown id":        "weft_01900000-0000-7000-8000-000000000000_" + secret,
		"wildcard id":       "weft_*_" + secret,
		"another's secret":  "weft_" + h.token(ada).ID + "_" + secret,
		"non-canonical id":  "weft_" + strings.ToUpper(id) + "_" + secret,
		"secret in id slot": "weft_" + secret + "_" + id,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := h.h.Authenticate(h.ctx, bad, "")
			wantFault(t, err, fault.Unauthenticated, "")
		})
	}
}

func TestAuthenticateInATeamGivesTheMembershipRole(t *testing.T) {
	h := setup(t)
	ada, bob := h.user("ada"), h.user("bob")
	owner := h.team(ada, "acme")
	tk := h.token(bob)
	_, err := h.h.Authenticate(h.ctx, tk.Secret, "acme")
	wantFault(t, err, fault.NotFound, "")

	if _, err := h.h.AddMember(h.ctx, h.admin, command.MemberInput{Team: "acme", Username: "bob", Role: auth.Admin}); err != nil {
		t.Fatal(err)
	}
	if p := h.signIn(tk.Secret, "acme"); p.Role != auth.Admin {
		t.Fatalf("role %s", p.Role)
	}
	if _, err := h.h.RemoveMember(h.ctx, owner, command.MemberInput{Team: "acme", UserID: bob}); err != nil {
		t.Fatal(err)
	}
	// Removal counts at once: no read model lag.
	_, err = h.h.Authenticate(h.ctx, tk.Secret, "acme")
	wantFault(t, err, fault.NotFound, "")
}

// TestEventLogHoldsOnlyTokenHashes reads every message of the stream, body
// and headers, and finds neither a plain token nor its secret part, only
// the secret's hash.
func TestEventLogHoldsOnlyTokenHashes(t *testing.T) {
	h := setup(t)
	ada := h.user("ada")
	exp := h.clock.Now().Add(time.Hour)
	made := []command.TokenWithSecret{h.token(ada)}
	res, err := h.h.CreateToken(h.ctx, auth.Principal{UserID: ada}, command.CreateTokenInput{Name: "laptop", ExpiresAt: &exp})
	if err != nil {
		t.Fatal(err)
	}
	made = append(made, res.Object)
	boot, err := h.h.NewBootstrapToken(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	made = append(made, boot.Object)
	if _, err := h.h.RevokeToken(h.ctx, auth.Principal{UserID: ada}, command.TokenInput{ID: made[0].ID}); err != nil {
		t.Fatal(err)
	}

	log := rawLog(t, h.ctx, h.env.Conn, h.lastSeq())
	for _, tk := range made {
		secret := tk.Secret[strings.LastIndex(tk.Secret, "_")+1:]
		if bytes.Contains(log, []byte(tk.Secret)) || bytes.Contains(log, []byte(secret)) {
			t.Fatalf("the event log holds token %s or its secret", tk.ID)
		}
		if !bytes.Contains(log, []byte(domain.HashSecret(secret))) {
			t.Fatalf("the event log lacks the hash of token %s", tk.ID)
		}
	}
}

// rawLog returns every stored message of EVENTS up to last, headers and
// body, as one byte slice.
func rawLog(t *testing.T, ctx context.Context, nc *nats.Conn, last uint64) []byte {
	t.Helper()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	cons, err := js.OrderedConsumer(ctx, events.StreamName, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var all bytes.Buffer
	for seq := uint64(0); seq < last; {
		batch, err := cons.Fetch(256, jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for m := range batch.Messages() {
			for k, vs := range m.Headers() {
				all.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
			}
			all.Write(m.Data())
			all.WriteByte('\n')
			md, err := m.Metadata()
			if err != nil {
				t.Fatal(err)
			}
			seq = md.Sequence.Stream
			n++
		}
		if batch.Error() != nil {
			t.Fatal(batch.Error())
		}
		if n == 0 {
			t.Fatalf("stream ended at %d before %d", seq, last)
		}
	}
	return all.Bytes()
}
