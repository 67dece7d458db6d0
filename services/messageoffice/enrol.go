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

	"github.com/nats-io/nats.go"
	"github.com/prometheus/client_golang/prometheus"

	"weft.dev/events/broker"
	"weft.dev/events/clusterstate"
	"weft.dev/events/jsguard"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/kernel/validate"
	ccmd "weft.dev/services/console/command"
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
		cluster, ok := strings.CutPrefix(a.Name, "agent-")
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

// Enroller spends a cluster's one-time secret and issues its agent's
// credentials.
type Enroller struct {
	Office  *Office
	Infra   *icmd.Handlers
	Issuer  Issuer // nil: credentials are issued outside weft
	NATSURL string
	Log     *slog.Logger
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
		return EnrolResponse{}, &fault.Error{Code: fault.Unavailable, Msg: "this server does not issue NATS credentials (external NATS): create the agent's user with your NATS operator, see services/messageoffice/README.md"}
	}
	team, ok := e.Office.TeamOf(req.Cluster)
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
	user := "agent-" + req.Cluster
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

// Relay records what agents report on status.<cluster>.> (received on nc)
// until stop is called: gateways and modes, convergence and online state,
// and app rollouts, as events. It also serves the agents' JetStream API
// through the guard (events/jsguard), which needs the office's clusters.
// Only the lease holder relays.
func (o *Office) Relay(nc *nats.Conn) (stop func(), err error) {
	ih, ch := icmd.New(o.store), ccmd.New(o.store, nil)
	sub, err := o.relayStatus(nc, ih, ch)
	if err != nil {
		return nil, fmt.Errorf("message office: relay status: %w", err)
	}
	guard := &jsguard.Agents{TeamOf: o.TeamOf, Log: o.log.With("part", "jsguard")}
	if o.cfg.RefusedAgentAPI != nil {
		guard.Refused = func(_, reason string) { o.cfg.RefusedAgentAPI.WithLabelValues(reason).Inc() }
	}
	api, err := guard.Serve(nc)
	if err != nil {
		_ = sub.Unsubscribe()
		return nil, fmt.Errorf("message office: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		o.watchAgents(ctx, ih, ch)
	}()
	return func() {
		_ = sub.Unsubscribe()
		_ = api.Unsubscribe()
		cancel()
		<-done
	}, nil
}

// relayStatus records what agents report that matters: a gateway's public
// key and endpoint (through the infra service, which appends only changes),
// and each cluster's applied sequence and last heartbeat (kept in memory
// for Status).
func (o *Office) relayStatus(nc *nats.Conn, infra *icmd.Handlers, con *ccmd.Handlers) (*nats.Subscription, error) {
	return nc.Subscribe("status.*.*", func(m *nats.Msg) {
		cluster, kind, ok := parseStatus(m.Subject)
		if !ok {
			return
		}
		team, ok := o.TeamOf(cluster)
		if !ok {
			return
		}
		switch kind {
		case clusterstate.StatusGateway:
			var g clusterstate.Gateway
			if json.Unmarshal(m.Data, &g) != nil {
				return
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := infra.ReportGateway(ctx, auth.SystemPrincipal("agent-"+cluster), icmd.ReportGatewayInput{
				Team: team, ClusterID: cluster, PublicKey: g.PublicKey, Endpoint: g.Endpoint}); err != nil {
				o.log.Warn("agent reported a gateway weft refuses", "cluster", cluster, "err", err)
			}
			var version string
			if g.Kubernetes != nil {
				version = g.Kubernetes.Version
				if version == "" {
					version = "unknown"
				}
			}
			if _, err := infra.ReportKubernetes(ctx, auth.SystemPrincipal("agent-"+cluster), icmd.ReportKubernetesInput{
				Team: team, ClusterID: cluster, Version: version}); err != nil {
				o.log.Warn("agent reported a mode weft refuses", "cluster", cluster, "err", err)
			}
		case clusterstate.StatusApp:
			o.reportRollout(team, cluster, m.Data, con)
		case clusterstate.StatusNamespace:
			o.reportNamespace(team, cluster, m.Data, con)
		case clusterstate.StatusHeartbeat:
			var s clusterstate.Status
			if json.Unmarshal(m.Data, &s) != nil {
				return
			}
			o.statusMu.Lock()
			o.status[cluster] = s
			o.seen[cluster] = time.Now()
			o.statusMu.Unlock()
			o.recordAgent(team, cluster, infra)
		}
	})
}

// agentReportedType and agentAppliedType are the events the office records
// agents' status with; they do not count as changes clusters converge to,
// nor do the app rollouts agents report.
const (
	agentReportedType = "infra.cluster.agent-reported"
	agentAppliedType  = "infra.cluster.agent-applied"
)

func isReport(eventType string) bool {
	return eventType == agentReportedType || eventType == agentAppliedType || eventType == "console.app.rollout-reported" || eventType == "console.env.namespace-reported"
}

// offlineAfter is how long without a heartbeat makes an agent offline.
const offlineAfter = 15 * time.Second

// recordEvery bounds how often one cluster's progress is recorded.
const recordEvery = time.Second

type agentRecord struct {
	online  bool
	applied uint64
	at      time.Time
}

// convergedThrough is the EVENTS sequence a cluster has converged through:
// once its agent applied the last write to its stream and to its team's,
// every event up to the last one the office processed (status records
// aside) is reflected; until then, what the lagging stream applied. Lock
// held.
func (o *Office) convergedThrough(team, cluster string) uint64 {
	s := o.status[cluster]
	own, shared := s.ClusterApplied, s.TeamApplied
	if own == 0 && shared == 0 {
		own, shared = s.Applied, s.Applied // an agent that reports one figure
	}
	lagging, through := false, s.Applied
	if own < o.lastWritten[clusterstate.StreamName(cluster)] {
		lagging, through = true, min(through, own)
	}
	if shared < o.lastWritten[clusterstate.TeamStreamName(team)] {
		lagging, through = true, min(through, shared)
	}
	if lagging {
		return through
	}
	return max(s.Applied, o.lastOther)
}

// recordAgent records a cluster's agent status in the log when it changed:
// online or offline at once, progress at most every recordEvery.
func (o *Office) recordAgent(team, cluster string, infra *icmd.Handlers) {
	o.statusMu.Lock()
	seen, ok := o.seen[cluster]
	if !ok {
		o.statusMu.Unlock()
		return
	}
	online := time.Since(seen) < offlineAfter
	conv := o.convergedThrough(team, cluster)
	last := o.recorded[cluster]
	due := online != last.online || (conv > last.applied && time.Since(last.at) >= recordEvery)
	if due {
		o.recorded[cluster] = agentRecord{online: online, applied: conv, at: time.Now()}
	}
	o.statusMu.Unlock()
	if !due {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := infra.ReportAgent(ctx, auth.SystemPrincipal("messageoffice"), icmd.ReportAgentInput{
		Team: team, ClusterID: cluster, Online: online, AppliedSeq: conv}); err != nil {
		o.log.Warn("agent status not recorded", "cluster", cluster, "err", err)
	}
}

// watchAgents re-evaluates every known agent each second: progress the
// office made without a new heartbeat (changes that concern no write to the
// cluster), and agents gone silent.
func (o *Office) watchAgents(ctx context.Context, infra *icmd.Handlers, con *ccmd.Handlers) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		o.statusMu.Lock()
		clusters := make([]string, 0, len(o.seen))
		for c := range o.seen {
			clusters = append(clusters, c)
		}
		o.statusMu.Unlock()
		for _, c := range clusters {
			if team, ok := o.TeamOf(c); ok {
				o.recordAgent(team, c, infra)
			}
		}
		o.flushRollouts(con)
	}
}

func parseStatus(subject string) (cluster, kind string, ok bool) {
	p := strings.Split(subject, ".")
	if len(p) != 3 || p[0] != "status" {
		return "", "", false
	}
	return p[1], p[2], true
}

// Status is the last heartbeat of a cluster's agent, if any.
func (o *Office) Status(cluster string) (clusterstate.Status, bool) {
	o.statusMu.Lock()
	defer o.statusMu.Unlock()
	s, ok := o.status[cluster]
	return s, ok
}
