package messageoffice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"weft.dev/events"
	"weft.dev/events/broker"
	"weft.dev/events/clusterstate"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/kernel/validate"
	icmd "weft.dev/services/infra/command"
)

// EnrolRequest is what an agent sends, once, to POST /agent/enrol.
type EnrolRequest struct {
	Cluster string `json:"cluster"`
	Secret  string `json:"secret"`
}

// EnrolResponse is the agent's NATS identity: shown this once, kept by the
// agent (mode 0600); the server keeps only the password's hash.
type EnrolResponse struct {
	Cluster     string `json:"cluster"`
	Team        string `json:"team"`
	NATSURL     string `json:"natsUrl"`
	User        string `json:"user"`
	Password    string `json:"password"`
	Stream      string `json:"stream"`
	InboxPrefix string `json:"inboxPrefix"`
}

// Issuer makes NATS users for agents. The embedded broker is one; an
// external deployment issues credentials with its own operator tooling.
type Issuer interface {
	SetAgent(broker.Agent) error
}

// AgentUpdater changes enrolled agents' users in place (the embedded
// broker).
type AgentUpdater interface {
	UpdateAgents(func(broker.Agent) (broker.Agent, bool)) (int, error)
}

// RefreshAgentPermissions gives every enrolled agent of a live cluster
// exactly the permissions this version gives a new one: agents enrolled
// before the team streams could read only their cluster's stream. teamOf
// is the office's TeamOf. It returns how many users changed.
func RefreshAgentPermissions(u AgentUpdater, teamOf func(cluster string) (string, bool)) (int, error) {
	return u.UpdateAgents(func(a broker.Agent) (broker.Agent, bool) {
		cluster, ok := strings.CutPrefix(a.Name, AgentUser(""))
		if !ok {
			return a, false
		}
		if _, ok := teamOf(cluster); !ok {
			return a, false
		}
		pub, sub := clusterstate.AgentPermissions(cluster)
		if slices.Equal(pub, a.Publish) && slices.Equal(sub, a.Subscribe) {
			return a, false
		}
		a.Publish, a.Subscribe = pub, sub
		return a, true
	})
}

// AgentUsers are the agents' NATS users weft-server manages: the embedded
// server's, or an external deployment's auth callout bucket.
type AgentUsers interface {
	AgentNames() []string
	RemoveAgent(name string) error
}

// AgentUser is the NATS user of a cluster's agent.
func AgentUser(cluster string) string { return "agent-" + cluster }

// PruneAgentUsers removes the agent users of clusters that are not live
// (deleted while no office ran, or while a removal failed), so a deleted
// cluster's agent cannot connect. teamOf is a started office's TeamOf;
// other users (auditors' replay users) are left alone. It returns how
// many it removed.
func PruneAgentUsers(u AgentUsers, teamOf func(cluster string) (string, bool)) (int, error) {
	n := 0
	for _, name := range u.AgentNames() {
		cluster, ok := strings.CutPrefix(name, AgentUser(""))
		if !ok {
			continue
		}
		if _, live := teamOf(cluster); live {
			continue
		}
		if err := u.RemoveAgent(name); err != nil {
			return n, fmt.Errorf("remove the agent user of deleted cluster %s: %w", cluster, err)
		}
		n++
	}
	return n, nil
}

// TeamInLog finds the team of cluster from the log's subjects
// (ev.<team>.cluster.<id>), which every replica reads; none for a deleted
// team's cluster. Whether the cluster
// is live is the enrolment's decision (a deleted one's secret is refused).
func TeamInLog(ctx context.Context, js jetstream.JetStream, cluster string) (string, bool, error) {
	s, err := js.Stream(ctx, events.StreamName)
	if err != nil {
		return "", false, fmt.Errorf("find the team of cluster %s: %w", cluster, err)
	}
	info, err := s.Info(ctx, jetstream.WithSubjectFilter(events.SubjectPrefix+".*.cluster."+cluster))
	if err != nil {
		return "", false, fmt.Errorf("find the team of cluster %s: %w", cluster, err)
	}
	for subj := range info.State.Subjects {
		if parts := strings.Split(subj, "."); len(parts) == 4 {
			// A deleted team's clusters enrol no more: its team
			// aggregate ends with the deletion (nothing is appended to it
			// after), and its secret may never have been spent.
			m, err := s.GetLastMsgForSubject(ctx, events.SubjectPrefix+"."+parts[1]+".team."+parts[1])
			if err != nil && !errors.Is(err, jetstream.ErrMsgNotFound) {
				return "", false, fmt.Errorf("find the team of cluster %s: %w", cluster, err)
			}
			if err == nil && m.Header.Get(events.HeaderEventType) == "accounts.team.deleted" {
				return "", false, nil
			}
			return parts[1], true, nil
		}
	}
	return "", false, nil
}

// Enroller spends a cluster's one-time secret and issues its agent's
// credentials.
type Enroller struct {
	Office *Office
	Infra  *icmd.Handlers
	// FindTeam names a cluster's team when the office does not know it:
	// on a replica that does not hold the office's lease (its office does
	// not run), or before the office has folded the cluster's creation.
	// Nil: only the office is asked.
	FindTeam func(ctx context.Context, cluster string) (string, bool, error)
	Issuer   Issuer // nil: credentials are issued outside weft (an external NATS without the callout)
	NATSURL  string
	Log      *slog.Logger
	// Refused counts enrolments refused for an unknown cluster or a wrong
	// secret (nil: not counted). Each is also logged; nothing is locked
	// out, so the holder of the real secret can always enrol.
	Refused prometheus.Counter
}

// Enrol checks the secret through the infra service (which spends it) and
// returns new credentials limited to the cluster's stream and status.
func (e *Enroller) Enrol(ctx context.Context, req EnrolRequest) (EnrolResponse, error) {
	if err := validate.Name("cluster", req.Cluster); err != nil {
		return EnrolResponse{}, err
	}
	if e.Issuer == nil {
		return EnrolResponse{}, &fault.Error{Code: fault.Unavailable, Msg: "this server does not issue NATS credentials (external NATS without --nats-callout-issuer): create the agent's user with your NATS operator, see services/messageoffice/README.md"}
	}
	team, ok := e.Office.TeamOf(req.Cluster)
	if !ok && e.FindTeam != nil {
		var err error
		if team, ok, err = e.FindTeam(ctx, req.Cluster); err != nil {
			return EnrolResponse{}, fmt.Errorf("enrol %s: %w", req.Cluster, err)
		}
	}
	if !ok {
		// The same refusal as a wrong secret: do not confirm cluster ids.
		return EnrolResponse{}, &fault.Error{Code: fault.Unauthenticated, Msg: "unknown cluster or wrong enrolment secret"}
	}
	if _, err := e.Infra.Enrol(ctx, auth.SystemPrincipal("enrolment"), icmd.EnrolInput{Team: team, ClusterID: req.Cluster, Secret: req.Secret}); err != nil {
		return EnrolResponse{}, err
	}
	pw, err := broker.NewPassword()
	if err != nil {
		return EnrolResponse{}, err
	}
	hash, err := broker.HashPassword(pw)
	if err != nil {
		return EnrolResponse{}, err
	}
	user := AgentUser(req.Cluster)
	pub, sub := clusterstate.AgentPermissions(req.Cluster)
	if err := e.Issuer.SetAgent(broker.Agent{Name: user, PasswordHash: hash, Publish: pub, Subscribe: sub}); err != nil {
		return EnrolResponse{}, fmt.Errorf("enrol %s: %w", req.Cluster, err)
	}
	e.Log.Info("cluster enrolled; agent credentials issued", "cluster", req.Cluster, "team", team, "user", user)
	return EnrolResponse{Cluster: req.Cluster, Team: team, NATSURL: e.NATSURL, User: user, Password: pw,
		Stream: clusterstate.StreamName(req.Cluster), InboxPrefix: clusterstate.InboxPrefix(req.Cluster)}, nil
}

// ServeHTTP answers POST /agent/enrol.
func (e *Enroller) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req EnrolRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&req); err != nil {
		writeErr(w, fault.Invalidf("body", "is not an enrolment request: %v", err))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	res, err := e.Enrol(ctx, req)
	if err != nil {
		var f *fault.Error
		switch {
		case !errors.As(err, &f):
			e.Log.Error("enrolment failed", "cluster", req.Cluster, "err", err)
		case f.Code == fault.Unauthenticated:
			if e.Refused != nil {
				e.Refused.Inc()
			}
			e.Log.Warn("refused enrolment secret", "cluster", req.Cluster, "remote", r.RemoteAddr)
		}
		writeErr(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(res)
}

func writeErr(w http.ResponseWriter, err error) {
	status, code, msg := http.StatusInternalServerError, fault.Internal, "internal error"
	var f *fault.Error
	if errors.As(err, &f) {
		code, msg = f.Code, f.Error()
		switch f.Code {
		case fault.Invalid:
			status = http.StatusBadRequest
		case fault.Unauthenticated:
			status = http.StatusUnauthorized
		case fault.Forbidden:
			status = http.StatusForbidden
		case fault.Unavailable:
			status = http.StatusServiceUnavailable
		case fault.NotFound:
			status = http.StatusNotFound
		case fault.Conflict:
			status = http.StatusConflict
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"code": string(code), "error": msg})
}
