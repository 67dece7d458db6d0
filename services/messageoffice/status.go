package messageoffice

// The status part of the office: what agents report on status.<cluster>.>
// (heartbeats, gateways, rollouts, namespaces), kept in memory and
// recorded as events when it changes.

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"weft.dev/events/clusterstate"
	"weft.dev/events/jsguard"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/kernel/supervise"
	ccmd "weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	icmd "weft.dev/services/infra/command"
)

// reports is what the office knows of agents and of its own writes that
// their status is measured against. The relay's goroutines and the
// consuming goroutine share it under statusMu.
type reports struct {
	statusMu sync.Mutex
	status   map[string]clusterstate.Status
	seen     map[string]time.Time // when each agent's last heartbeat arrived
	recorded map[string]agentRecord
	rollouts map[string]*rolloutState // by cluster/app id
	// namespaces are the namespace reports recorded, by cluster/env id.
	namespaces map[string]cd.NamespaceState
	// services are the managed-service statuses recorded, by cluster/id.
	services map[string]cd.InstanceStatus
	// routers are the router statuses recorded, by cluster/id.
	routers map[string]cd.RouterStatus
	// lastWritten is the EVENTS sequence of the last write to each
	// stream; lastOther the last event that is not an agent report. A
	// cluster whose agent applied its stream's and its team stream's
	// lastWritten has converged through lastOther.
	lastWritten map[string]uint64
	lastOther   uint64
	// retry are reports whose recording failed for a moment (the log
	// refusing writes during an election, a timeout), by what they report
	// on: the latest of each is tried again every second until recorded
	// or refused. An agent sends its gateway once per start, so a report
	// lost here would be lost until the agent restarts.
	retry map[string]*pendingReport
}

// pendingReport is one report to record again.
type pendingReport struct{ rec func() error }

// refused says err is weft's answer to the report (invalid, not found,
// a conflict): trying again would be refused again. Anything else (the log
// unavailable, a timeout) is worth another try.
func refused(err error) bool {
	e, ok := fault.As(err)
	return ok && e.Code != fault.Internal && e.Code != fault.Unavailable
}

// record runs rec now and, when it fails for a moment, every second after
// (the latest rec for key replacing an earlier one) until it succeeds or
// is refused.
func (o *Office) record(key string, rec func() error) {
	o.statusMu.Lock()
	delete(o.retry, key) // a newer report replaces a pending one
	o.statusMu.Unlock()
	if err := rec(); err != nil && !refused(err) {
		o.statusMu.Lock()
		if _, newer := o.retry[key]; !newer {
			o.retry[key] = &pendingReport{rec: rec}
		}
		o.statusMu.Unlock()
	}
}

// retryReports tries every pending report once more.
func (o *Office) retryReports() {
	o.statusMu.Lock()
	pending := make(map[string]*pendingReport, len(o.retry))
	for k, p := range o.retry {
		pending[k] = p
	}
	o.statusMu.Unlock()
	for k, p := range pending {
		if err := p.rec(); err == nil || refused(err) {
			o.statusMu.Lock()
			if o.retry[k] == p { // not replaced by a newer report meanwhile
				delete(o.retry, k)
			}
			o.statusMu.Unlock()
		}
	}
}

// Relay records what agents report on status.<cluster>.> (received on nc)
// until stop is called: gateways and modes, convergence and online state,
// and app rollouts, as events. It also serves the agents' JetStream API
// through the guard (events/jsguard), which needs the office's clusters.
// Only the lease holder relays. It runs under the office's supervisor as
// messageoffice/relay, behind by the reports waiting to be recorded; its
// subscriptions are made again if they end.
func (o *Office) Relay(nc *nats.Conn) (stop func(), err error) {
	ih, ch := icmd.New(o.store), ccmd.New(o.store, nil)
	subs, err := o.subscribe(nc, ih, ch)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = o.sup.Run(ctx, supervise.Component{Name: "messageoffice/relay", Behind: o.pendingReports,
			Run: func(ctx context.Context) error {
				if subs == nil {
					var err error
					if subs, err = o.subscribe(nc, ih, ch); err != nil {
						return err
					}
				}
				defer func() {
					for _, s := range subs {
						_ = s.Unsubscribe()
					}
					subs = nil
				}()
				return o.watchAgents(ctx, ih, ch, subs)
			}})
	}()
	return func() {
		cancel()
		<-done
	}, nil
}

// subscribe starts the relay's subscriptions: agents' reports, and the
// guard in front of their JetStream API.
func (o *Office) subscribe(nc *nats.Conn, ih *icmd.Handlers, ch *ccmd.Handlers) ([]*nats.Subscription, error) {
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
	return []*nats.Subscription{sub, api}, nil
}

// pendingReports is how many reports wait to be recorded again.
func (o *Office) pendingReports(context.Context) (uint64, error) {
	o.statusMu.Lock()
	defer o.statusMu.Unlock()
	return uint64(len(o.retry)), nil
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
			o.record("gateway/"+cluster, func() error {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				if _, err := infra.ReportGateway(ctx, auth.SystemPrincipal("agent-"+cluster), icmd.ReportGatewayInput{
					Team: team, ClusterID: cluster, PublicKey: g.PublicKey, Endpoint: g.Endpoint, Rotation: g.Rotation}); err != nil {
					o.log.Warn("agent's gateway not recorded", "cluster", cluster, "err", err)
					return err
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
					o.log.Warn("agent's mode not recorded", "cluster", cluster, "err", err)
					return err
				}
				if g.SealingKey != "" {
					if _, err := infra.ReportSealingKey(ctx, auth.SystemPrincipal("agent-"+cluster), icmd.ReportSealingKeyInput{
						Team: team, ClusterID: cluster, SealingKey: g.SealingKey}); err != nil {
						o.log.Warn("agent's sealing key not recorded", "cluster", cluster, "err", err)
						return err
					}
				}
				return nil
			})
		case clusterstate.StatusApp:
			o.reportRollout(team, cluster, m.Data, con)
		case clusterstate.StatusNamespace:
			o.reportNamespace(team, cluster, m.Data, con)
		case clusterstate.StatusService:
			o.reportService(team, cluster, m.Data, con)
		case clusterstate.StatusRouter:
			o.reportRouter(team, cluster, m.Data, con)
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
	return eventType == agentReportedType || eventType == agentAppliedType || eventType == "console.app.rollout-reported" || eventType == "console.env.namespace-reported" || eventType == "console.service.status-reported" || eventType == "console.router.status-reported"
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
	mine := agentRecord{online: online, applied: conv, at: time.Now()}
	if due {
		o.recorded[cluster] = mine
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
		if !refused(err) {
			// Not recorded: the next second's look records it again.
			o.statusMu.Lock()
			if o.recorded[cluster].at.Equal(mine.at) {
				o.recorded[cluster] = last
			}
			o.statusMu.Unlock()
		}
	}
}

// watchAgents re-evaluates every known agent each second: progress the
// office made without a new heartbeat (changes that concern no write to the
// cluster), and agents gone silent; and records again what could not be
// recorded. It returns when ctx ends, or with an error when one of the
// relay's subscriptions has ended.
func (o *Office) watchAgents(ctx context.Context, infra *icmd.Handlers, con *ccmd.Handlers, subs []*nats.Subscription) error {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		for _, s := range subs {
			if !s.IsValid() {
				return fmt.Errorf("message office: subscription %s ended", s.Subject)
			}
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
		o.retryReports()
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
