package messageoffice

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"weft.dev/events/clusterstate"
	"weft.dev/kernel/auth"
	ccmd "weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
)

// rolloutEvery bounds how often one app's rollout is recorded: a rollout
// of many pods changes its counts many times a second.
const rolloutEvery = time.Second

// Bounds on what an agent's rollout report may put in the log.
const (
	maxConditions = 8
	maxProblems   = 16
	maxText       = 1024
)

// rolloutState is the last report of one app and what was recorded of it.
type rolloutState struct {
	team, cluster, id string
	latest            cd.Rollout
	recorded          *cd.Rollout // nil: nothing recorded by this office yet
	at                time.Time   // when it was last recorded
}

// reportRollout takes an agent's app status: recorded at once unless the
// app was recorded less than rolloutEvery ago; then flushRollouts records
// its latest within a second.
func (o *Office) reportRollout(team, cluster string, data []byte, con *ccmd.Handlers) {
	var s clusterstate.AppStatus
	if json.Unmarshal(data, &s) != nil || s.ID == "" {
		return
	}
	key := cluster + "/" + s.ID
	r := rolloutOf(s)
	o.statusMu.Lock()
	st := o.rollouts[key]
	if st == nil {
		st = &rolloutState{team: team, cluster: cluster, id: s.ID}
		o.rollouts[key] = st
	}
	st.latest = r
	due := time.Since(st.at) >= rolloutEvery
	o.statusMu.Unlock()
	if due {
		o.recordRollout(key, con)
	}
}

// rolloutIdle is how long an app's recorded state is kept without a new
// report: a deleted app's would stay forever (the log and the console
// command's comparison make forgetting it safe).
const rolloutIdle = 10 * time.Minute

// flushRollouts records every app whose latest report was not recorded,
// and forgets apps that have been quiet for rolloutIdle.
func (o *Office) flushRollouts(con *ccmd.Handlers) {
	o.statusMu.Lock()
	var keys []string
	for k, st := range o.rollouts {
		switch {
		case st.recorded == nil || !st.recorded.Same(st.latest):
			keys = append(keys, k)
		case time.Since(st.at) > rolloutIdle:
			delete(o.rollouts, k)
		}
	}
	o.statusMu.Unlock()
	for _, k := range keys {
		o.recordRollout(k, con)
	}
}

// recordRollout appends the app's latest rollout if it differs from what
// was recorded (the console command compares with the log too). A report
// the console refuses (an app of another cluster, a deleted app) is
// dropped and forgotten; one the log could not take for a moment is tried
// again.
func (o *Office) recordRollout(key string, con *ccmd.Handlers) {
	o.statusMu.Lock()
	st := o.rollouts[key]
	if st == nil || st.recorded != nil && st.recorded.Same(st.latest) {
		o.statusMu.Unlock()
		return
	}
	r := st.latest
	st.at = time.Now()
	o.statusMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := con.ReportRollout(ctx, auth.SystemPrincipal("agent-"+st.cluster), ccmd.ReportRolloutInput{
		Team: st.team, ClusterID: st.cluster, ID: st.id, Rollout: r})
	o.statusMu.Lock()
	defer o.statusMu.Unlock()
	if err != nil {
		o.log.Warn("app rollout not recorded", "cluster", st.cluster, "app", st.id, "err", err)
		if refused(err) {
			delete(o.rollouts, key)
		}
		// Else flushRollouts tries the latest again within a second.
		return
	}
	st.recorded = &r
}

// rolloutOf is an agent's report as the console records it, bounded.
func rolloutOf(s clusterstate.AppStatus) cd.Rollout {
	r := cd.Rollout{
		Generation: s.Generation, DeploymentGeneration: s.DeploymentGeneration, ObservedGeneration: s.ObservedGeneration,
		Desired: int(s.Desired), Updated: int(s.Updated), Ready: int(s.Ready), Available: int(s.Available),
		Image: clip(s.Image), LastError: clip(s.LastError), ReportedAt: s.Time.UTC(),
	}
	for i, c := range s.Conditions {
		if i == maxConditions {
			break
		}
		r.Conditions = append(r.Conditions, cd.Condition{Type: clip(c.Type), Status: clip(c.Status), Reason: clip(c.Reason), Message: clip(c.Message)})
	}
	for i, p := range s.CrashLooping {
		if i == maxProblems {
			break
		}
		r.CrashLooping = append(r.CrashLooping, cd.PodProblem{Pod: clip(p.Pod), Reason: clip(p.Reason), Restarts: int(p.Restarts), Message: clip(p.Message)})
	}
	return r
}

func clip(s string) string {
	if len(s) > maxText {
		s = s[:maxText]
	}
	return strings.ToValidUTF8(s, "")
}

// reportNamespace records an agent's report of an environment's namespace
// when it differs from what this office last recorded (the console
// command compares with the log too).
func (o *Office) reportNamespace(team, cluster string, data []byte, con *ccmd.Handlers) {
	var s clusterstate.NamespaceStatus
	if json.Unmarshal(data, &s) != nil || s.ID == "" {
		return
	}
	ns := cd.NamespaceState{Name: clip(s.Namespace), Ready: s.Ready, Error: clip(s.Error)}
	key := cluster + "/" + s.ID
	o.statusMu.Lock()
	same := o.namespaces[key] == ns
	o.statusMu.Unlock()
	if same {
		return
	}
	o.record("namespace/"+key, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := con.ReportNamespace(ctx, auth.SystemPrincipal("agent-"+cluster), ccmd.ReportNamespaceInput{
			Team: team, ClusterID: cluster, ID: s.ID, Namespace: ns}); err != nil {
			o.log.Warn("namespace status not recorded", "cluster", cluster, "env", s.ID, "err", err)
			return err
		}
		o.statusMu.Lock()
		o.namespaces[key] = ns
		o.statusMu.Unlock()
		return nil
	})
}

// reportService records an agent's report of a managed service it runs:
// credentials it sealed and a purged service's data gone whenever they
// come (the console records each once), a status when it differs from
// what this office last recorded.
func (o *Office) reportService(team, cluster string, data []byte, con *ccmd.Handlers) {
	var s clusterstate.ServiceStatus
	if json.Unmarshal(data, &s) != nil || s.ID == "" {
		return
	}
	key := cluster + "/" + s.ID
	in := ccmd.ReportServiceInput{Team: team, ClusterID: cluster, ID: s.ID, DataDeleted: s.DataDeleted}
	st := cd.InstanceStatus{Ready: s.Ready, Replicas: int(s.Replicas), Image: clip(s.Image), LastError: clip(s.LastError), Reported: s.Time.UTC()}
	if !s.DataDeleted {
		in.Status = &st
	}
	if c := s.Credentials; c != nil && len(c.Sealed) <= 8*maxText {
		in.Credentials = &cd.Credentials{Source: clip(c.Source), Sealed: c.Sealed}
	}
	o.statusMu.Lock()
	prev, had := o.services[key]
	o.statusMu.Unlock()
	if in.Credentials == nil && !in.DataDeleted && had && prev.Same(st) {
		return
	}
	o.record("service/"+key, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := con.ReportService(ctx, auth.SystemPrincipal("agent-"+cluster), in); err != nil {
			o.log.Warn("service status not recorded", "cluster", cluster, "service", s.ID, "err", err)
			return err
		}
		if in.Status != nil {
			o.statusMu.Lock()
			o.services[key] = st
			o.statusMu.Unlock()
		}
		return nil
	})
}

// maxAddresses bounds the addresses of a router's report.
const maxAddresses = 16

// reportRouter records an agent's report of a router's Ingress when it
// differs from what this office last recorded.
func (o *Office) reportRouter(team, cluster string, data []byte, con *ccmd.Handlers) {
	var s clusterstate.RouterStatus
	if json.Unmarshal(data, &s) != nil || s.ID == "" {
		return
	}
	st := cd.RouterStatus{LastError: clip(s.LastError), Reported: s.Time.UTC()}
	for i, a := range s.Addresses {
		if i == maxAddresses {
			break
		}
		st.Addresses = append(st.Addresses, clip(a))
	}
	key := cluster + "/" + s.ID
	o.statusMu.Lock()
	prev, had := o.routers[key]
	o.statusMu.Unlock()
	if had && prev.Same(st) {
		return
	}
	o.record("router/"+key, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := con.ReportRouter(ctx, auth.SystemPrincipal("agent-"+cluster), ccmd.ReportRouterInput{
			Team: team, ClusterID: cluster, ID: s.ID, Status: st}); err != nil {
			o.log.Warn("router status not recorded", "cluster", cluster, "router", s.ID, "err", err)
			return err
		}
		o.statusMu.Lock()
		o.routers[key] = st
		o.statusMu.Unlock()
		return nil
	})
}
