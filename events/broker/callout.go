package broker

// Agents' NATS users on an external NATS deployment.
//
// The embedded server gets its agents' users by a reload of its options
// (users.go); an external deployment of several nodes cannot be reloaded
// by weft-server. Of what nats-server 2.15 offers for credentials issued
// at run time, weft uses auth callout:
//
//   - The agent keeps what enrolment gives it today (a user and a
//     256-bit password): the agent, its credentials file and the embedded
//     path stay as they are.
//   - The NATS nodes hold no secret of weft's: their configuration names
//     the callout's issuer (an account public key) and weft's own service
//     user. weft-server holds the issuer's seed and signs, for each agent
//     connection, a user JWT with exactly the embedded broker's
//     permissions for that agent.
//   - What the callout checks lives in a JetStream KV bucket (R3 on a
//     cluster), so every replica answers for every agent, and a
//     replica's death or a failover loses no agent.
//   - Revocation is deleting the user's key: the next connection is
//     refused at once, on every node. A connection already open keeps its
//     JWT until it expires (AgentJWTTTL), when the server closes it and the
//     agent's reconnect is refused; meanwhile the cluster's streams are gone
//     and the guard (jsguard) refuses its every request.
//
// Operator (JWT) mode would need weft to hold an account signing key and,
// to revoke, to re-sign the account JWT with a revocation list and push
// it to every node's resolver, which takes the operator's key: more keys
// in weft-server, and the whole deployment switched to operator mode.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nkeys"
	"golang.org/x/crypto/bcrypt"
)

// AgentUsersBucket is the KV bucket of agents' users on an external NATS:
// key the user's name, value the Agent (a bcrypt hash, never a password).
const AgentUsersBucket = "weft_agent_users"

// CalloutSubject is where nats-server asks who a connecting client is.
const CalloutSubject = "$SYS.REQ.USER.AUTH"

// CalloutQueue is the callout's queue group: each connection is answered
// once however many replicas serve.
const CalloutQueue = "weft-callout"

// AgentJWTTTL is how long a user JWT the callout signs is valid: how long
// at most a revoked agent's open connection stays open. When it expires
// the server closes the connection and the agent reconnects, which costs
// one callout and one read of its desired state.
const AgentJWTTTL = time.Hour

// AgentUsers are agents' users wherever they live: the embedded server
// (Server) or the KV bucket an external deployment's callout reads
// (AgentStore).
type AgentUsers interface {
	SetAgent(Agent) error
	RemoveAgent(name string) error
	UpdateAgents(func(Agent) (Agent, bool)) (int, error)
	AgentNames() []string
}

var (
	_ AgentUsers = (*Server)(nil)
	_ AgentUsers = (*AgentStore)(nil)
)

// AgentStore keeps agents' users in a KV bucket, for the callout.
type AgentStore struct {
	kv      jetstream.KeyValue
	timeout time.Duration
}

// OpenAgentStore creates or opens the bucket with replicas copies.
func OpenAgentStore(ctx context.Context, js jetstream.JetStream, replicas int) (*AgentStore, error) {
	if replicas < 1 {
		replicas = 1
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: AgentUsersBucket, Description: "weft agents' NATS users (bcrypt hashes) for the auth callout",
		History: 1, Replicas: replicas, Storage: jetstream.FileStorage,
	})
	if err != nil {
		return nil, fmt.Errorf("open the agent users bucket: %w", err)
	}
	return &AgentStore{kv: kv, timeout: 10 * time.Second}, nil
}

func checkAgent(a Agent) error {
	if a.Name == "" || a.Name == serviceUser || a.PasswordHash == "" {
		return fmt.Errorf("set agent user %q: need a name other than %q and a password hash", a.Name, serviceUser)
	}
	return nil
}

// SetAgent adds or replaces an agent's user; every node's next callout for
// it sees the change.
func (s *AgentStore) SetAgent(a Agent) error {
	if err := checkAgent(a); err != nil {
		return err
	}
	b, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("set agent user %s: %w", a.Name, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	if _, err := s.kv.Put(ctx, a.Name, b); err != nil {
		return fmt.Errorf("set agent user %s: %w", a.Name, err)
	}
	return nil
}

// Agent returns the user called name; false when there is none.
func (s *AgentStore) Agent(ctx context.Context, name string) (Agent, bool, error) {
	e, err := s.kv.Get(ctx, name)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Agent{}, false, nil
	}
	if err != nil {
		return Agent{}, false, fmt.Errorf("read agent user %s: %w", name, err)
	}
	var a Agent
	if err := json.Unmarshal(e.Value(), &a); err != nil {
		return Agent{}, false, fmt.Errorf("read agent user %s: %w", name, err)
	}
	return a, true, nil
}

// RemoveAgent removes an agent's user: its next connection is refused.
func (s *AgentStore) RemoveAgent(name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	// Purge, not delete: nothing of the user stays behind the marker.
	if err := s.kv.Purge(ctx, name); err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
		return fmt.Errorf("remove agent user %s: %w", name, err)
	}
	return nil
}

// AgentNames lists the users' names, sorted; none when the bucket cannot
// be read (the callers sweep again later).
func (s *AgentStore) AgentNames() []string {
	names, _ := s.names()
	return names
}

func (s *AgentStore) names() ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	lister, err := s.kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list agent users: %w", err)
	}
	var names []string
	for k := range lister.Keys() {
		names = append(names, k)
	}
	sort.Strings(names)
	return names, nil
}

// UpdateAgents passes every user to update and writes back those it
// changed, each only if no one changed it meanwhile. All are checked
// before any is written: a refused update changes nothing.
func (s *AgentStore) UpdateAgents(update func(Agent) (Agent, bool)) (int, error) {
	names, err := s.names()
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	type change struct {
		value []byte
		rev   uint64
	}
	changed := map[string]change{}
	for _, name := range names {
		e, err := s.kv.Get(ctx, name)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("update agent user %s: %w", name, err)
		}
		var a Agent
		if err := json.Unmarshal(e.Value(), &a); err != nil {
			return 0, fmt.Errorf("update agent user %s: %w", name, err)
		}
		b, ok := update(a)
		if !ok {
			continue
		}
		if b.Name != name || b.PasswordHash == "" {
			return 0, fmt.Errorf("update agent user %q: the name and the password hash stay", name)
		}
		v, err := json.Marshal(b)
		if err != nil {
			return 0, fmt.Errorf("update agent user %s: %w", name, err)
		}
		changed[name] = change{v, e.Revision()}
	}
	n := 0
	for name, c := range changed {
		if _, err := s.kv.Update(ctx, name, c.value, c.rev); err != nil {
			return n, fmt.Errorf("update agent user %s: %w", name, err)
		}
		n++
	}
	return n, nil
}

// Callout answers nats-server's auth callout for every client that is not
// one of the configuration's auth_users: an agent whose user is in Store
// and whose password matches gets a user JWT with its permissions; anyone
// else is refused.
type Callout struct {
	Store *AgentStore
	// Issuer is the account key pair whose public key the NATS
	// configuration names as auth_callout's issuer.
	Issuer nkeys.KeyPair
	// Account is the account agents are placed in: the one weft's
	// services use, since the guard forwards agents' requests to its
	// JetStream API ("$G" when the configuration names no accounts).
	Account string
	// TTL is how long a signed user JWT is valid; AgentJWTTTL when zero.
	TTL time.Duration
	Log *slog.Logger
	// Refused is called for every refused connection (nil: not counted).
	Refused func()
}

// LoadIssuer reads an account seed (an nkey starting "SA") from file.
func LoadIssuer(file string) (nkeys.KeyPair, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read the callout issuer's seed: %w", err)
	}
	kp, err := nkeys.FromSeed([]byte(strings.TrimSpace(string(b))))
	if err != nil {
		return nil, fmt.Errorf("read the callout issuer's seed %s: %w", file, err)
	}
	if pub, _ := kp.PublicKey(); !nkeys.IsValidPublicAccountKey(pub) {
		return nil, fmt.Errorf("the callout issuer's seed %s is not an account's (its public key must start with A)", file)
	}
	return kp, nil
}

// NewIssuer makes an account key pair for the callout: its seed for
// weft-server, its public key for the NATS configuration.
func NewIssuer() (seed []byte, public string, err error) {
	kp, err := nkeys.CreateAccount()
	if err != nil {
		return nil, "", fmt.Errorf("new callout issuer: %w", err)
	}
	if seed, err = kp.Seed(); err != nil {
		return nil, "", fmt.Errorf("new callout issuer: %w", err)
	}
	if public, err = kp.PublicKey(); err != nil {
		return nil, "", fmt.Errorf("new callout issuer: %w", err)
	}
	return seed, public, nil
}

// Serve answers callouts on nc (a connection of an auth_callout auth user)
// until the subscription is closed.
func (c *Callout) Serve(nc *nats.Conn) (*nats.Subscription, error) {
	if c.Store == nil || c.Issuer == nil {
		return nil, errors.New("serve the auth callout: no store or issuer")
	}
	sub, err := nc.QueueSubscribe(CalloutSubject, CalloutQueue, c.handle)
	if err != nil {
		return nil, fmt.Errorf("serve the auth callout: %w", err)
	}
	return sub, nil
}

// errRefused is the one refusal a client learns: it does not say whether
// the user exists.
const errRefused = "unknown user or wrong password"

func (c *Callout) handle(m *nats.Msg) {
	if m.Header.Get("Nats-Server-Xkey") != "" {
		// The configuration asks for encrypted callouts (xkey), which
		// weft does not hold the key for: nothing could be answered.
		c.Log.Error("auth callout: the NATS configuration sets auth_callout.xkey; weft's callout answers unencrypted requests only")
		return
	}
	req, err := jwt.DecodeAuthorizationRequestClaims(string(m.Data))
	if err != nil {
		c.Log.Warn("auth callout: a request that does not decode", "err", err)
		return
	}
	user := req.ConnectOptions.Username
	jwtText, reason := c.authorize(req)
	if reason != "" {
		if c.Refused != nil {
			c.Refused()
		}
		c.Log.Warn("auth callout: connection refused", "user", user, "host", req.ClientInformation.Host, "reason", reason)
	}
	resp := jwt.NewAuthorizationResponseClaims(req.UserNkey)
	resp.Audience = req.Server.ID
	if reason != "" {
		resp.Error = errRefused
	} else {
		resp.Jwt = jwtText
	}
	token, err := resp.Encode(c.Issuer)
	if err != nil {
		c.Log.Error("auth callout: sign the answer", "err", err)
		return
	}
	if err := m.Respond([]byte(token)); err != nil {
		c.Log.Warn("auth callout: answer", "err", err)
	}
}

// authorize returns the user JWT for req, or why it is refused.
func (c *Callout) authorize(req *jwt.AuthorizationRequestClaims) (string, string) {
	user, pw := req.ConnectOptions.Username, req.ConnectOptions.Password
	if user == "" || pw == "" {
		return "", "no user and password"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	a, ok, err := c.Store.Agent(ctx, user)
	if err != nil {
		return "", err.Error()
	}
	if !ok {
		return "", "no such user (never enrolled, or its cluster was deleted)"
	}
	if bcrypt.CompareHashAndPassword([]byte(a.PasswordHash), []byte(pw)) != nil {
		return "", "wrong password"
	}
	uc := jwt.NewUserClaims(req.UserNkey)
	uc.Name = a.Name
	// Outside operator mode the audience names the account to place the
	// user in.
	uc.Audience = c.Account
	if uc.Audience == "" {
		uc.Audience = "$G"
	}
	uc.Pub.Allow.Add(a.Publish...)
	uc.Sub.Allow.Add(a.Subscribe...)
	ttl := c.TTL
	if ttl <= 0 {
		ttl = AgentJWTTTL
	}
	uc.Expires = time.Now().Add(ttl).Unix()
	token, err := uc.Encode(c.Issuer)
	if err != nil {
		return "", fmt.Sprintf("sign the user JWT: %v", err)
	}
	return token, ""
}
