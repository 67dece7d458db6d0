package broker

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sort"

	"github.com/nats-io/nats-server/v2/server"
	"golang.org/x/crypto/bcrypt"
)

// serviceUser is the in-process services' own user: full access.
const serviceUser = "weft"

// agentsFile, in the data dir, keeps the agents' users across restarts:
// names, permissions and bcrypt hashes, never a password.
const agentsFile = "agents.json"

// Agent is a NATS user limited to a few subjects (a cluster's agent).
type Agent struct {
	Name         string   `json:"name"`
	PasswordHash string   `json:"passwordHash"` // bcrypt
	Publish      []string `json:"publish"`
	Subscribe    []string `json:"subscribe"`
}

// HashPassword returns the bcrypt hash nats-server accepts for a user,
// for a password made by NewPassword. Those carry 256 random bits, which no
// guessing reaches whatever the hash costs, so the hash is bcrypt's
// cheapest: at the default cost every connection's check took tens of
// milliseconds of server CPU, and 500 agents reconnecting at once (a hub
// restart) timed out their authentication.
func HashPassword(password string) (string, error) {
	if len(password) < 2*passwordBytes {
		return "", fmt.Errorf("hash password: %d characters; only NewPassword's random passwords are hashed this cheaply", len(password))
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// passwordBytes is the randomness of a password NewPassword makes.
const passwordBytes = 32

// NewPassword returns 256 random bits, hex.
func NewPassword() (string, error) {
	b := make([]byte, passwordBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("new password: %w", err)
	}
	return hex.EncodeToString(b), nil
}

func loadAgents(dir string) (map[string]Agent, error) {
	agents := map[string]Agent{}
	b, err := os.ReadFile(filepath.Join(dir, agentsFile))
	if errors.Is(err, os.ErrNotExist) {
		return agents, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read agent users: %w", err)
	}
	var list []Agent
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("read agent users: %w", err)
	}
	for _, a := range list {
		agents[a.Name] = a
	}
	return agents, nil
}

func (s *Server) saveAgents() error {
	list := make([]Agent, 0, len(s.agents))
	for _, a := range s.agents {
		list = append(list, a)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	b, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return fmt.Errorf("save agent users: %w", err)
	}
	tmp := filepath.Join(s.opts.StoreDir, agentsFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("save agent users: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(s.opts.StoreDir, agentsFile)); err != nil {
		return fmt.Errorf("save agent users: %w", err)
	}
	return nil
}

// users is the server's user list: the service user and every agent.
func (s *Server) users() []*server.User {
	out := []*server.User{{Username: serviceUser, Password: s.serviceHash}}
	for _, a := range s.agents {
		out = append(out, &server.User{
			Username: a.Name, Password: a.PasswordHash,
			Permissions: &server.Permissions{
				Publish:   &server.SubjectPermission{Allow: a.Publish},
				Subscribe: &server.SubjectPermission{Allow: a.Subscribe},
			},
		})
	}
	return out
}

// SetAgent adds or replaces an agent's user, persists it, and reloads the
// server's users without a restart (connected clients stay connected).
func (s *Server) SetAgent(a Agent) error {
	if a.Name == "" || a.Name == serviceUser || a.PasswordHash == "" {
		return fmt.Errorf("set agent user %q: need a name other than %q and a password hash", a.Name, serviceUser)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.agents[a.Name] = a
	if err := s.saveAgents(); err != nil {
		return err
	}
	return s.reload()
}

// UpdateAgents passes every agent's user to update and keeps what it
// returns where it reports a change, with one save and one reload for all:
// how enrolled agents get the permissions a new version gives them.
func (s *Server) UpdateAgents(update func(Agent) (Agent, bool)) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// All checked before any is kept: a refused update changes nothing.
	changed := map[string]Agent{}
	for name, a := range s.agents {
		b, ok := update(a)
		if !ok {
			continue
		}
		if b.Name != name || b.PasswordHash == "" {
			return 0, fmt.Errorf("update agent user %q: the name and the password hash stay", name)
		}
		changed[name] = b
	}
	if len(changed) == 0 {
		return 0, nil
	}
	maps.Copy(s.agents, changed)
	if err := s.saveAgents(); err != nil {
		return 0, err
	}
	return len(changed), s.reload()
}

// AgentNames lists the limited users' names (agents and auditors' replay
// users), sorted.
func (s *Server) AgentNames() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.agents))
	for n := range s.agents {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// RemoveAgent removes an agent's user; its connections are closed by the reload.
func (s *Server) RemoveAgent(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.agents[name]; !ok {
		return nil
	}
	delete(s.agents, name)
	if err := s.saveAgents(); err != nil {
		return err
	}
	return s.reload()
}

func (s *Server) reload() error {
	o := s.opts.Clone()
	o.Users = s.users()
	if err := s.ns.ReloadOptions(o); err != nil {
		return fmt.Errorf("reload NATS users: %w", err)
	}
	s.opts = o
	return nil
}
