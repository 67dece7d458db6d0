// Package jsguard stands between weft's limited NATS users — agents
// (Agents) and auditors' replay credentials (Auditors) — and the
// JetStream API.
//
// They share the services' NATS account, and inside one account the
// server publishes a JetStream answer (a direct get's message, a pull
// consumer's batch) to whatever reply subject the request named, and a
// push consumer delivers to whatever subject its creator named, as the
// server and with no permission check. An agent allowed to publish to
// $JS.API could therefore have its own stream's messages published to
// ev.<team>.…, where EVENTS stores them for good, or to another
// cluster's stream. So an agent may publish only to its own prefix
// (clusterstate.AgentAPIPrefix); the guard checks each request there —
// the reply is the agent's own inbox, the stream is one of the agent's,
// a consumer delivers to no subject — and forwards it to $JS.API
// unchanged, with the agent's reply, so the answer goes straight back
// to the agent. An auditor's grant is checked the same way, against its
// team's subjects in EVENTS (auditors.go).
package jsguard

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"github.com/nats-io/nats.go"

	"weft.dev/events/clusterstate"
)

// Queue is the guard's queue group: each request is checked once however
// many replicas serve.
const Queue = "weft-jsguard"

// Agents checks and forwards agents' JetStream API requests.
type Agents struct {
	// TeamOf names a cluster's team; false for a cluster weft does not
	// know (deleted, or never created), whose requests are refused.
	TeamOf func(cluster string) (string, bool)
	Log    *slog.Logger
	// Refused is called once per refused request with the Refusal's
	// Reason, one of a few fixed words (nil: not counted).
	Refused func(cluster, reason string)
}

// Serve answers every agent's prefix on nc (the services' connection,
// which may publish to $JS.API) until the subscription is closed.
func (g *Agents) Serve(nc *nats.Conn) (*nats.Subscription, error) {
	// One subscription, so one goroutine: an agent's pull requests and
	// consumer resets reach JetStream in the order it sent them. Each is a
	// check and one publish, so one goroutine keeps up.
	sub, err := nc.QueueSubscribe(clusterstate.AgentAPISubjects, Queue, func(m *nats.Msg) { g.handle(nc, m) })
	if err != nil {
		return nil, fmt.Errorf("serve the agents' JetStream API: %w", err)
	}
	return sub, nil
}

func (g *Agents) handle(nc *nats.Conn, m *nats.Msg) {
	cluster, api, ok := clusterstate.ParseAgentAPI(m.Subject)
	if !ok {
		return
	}
	r := refuser{log: g.Log, who: "agent", name: cluster, count: func(reason string) {
		if g.Refused != nil {
			g.Refused(cluster, reason)
		}
	}}
	if !inInbox(clusterstate.InboxPrefix(cluster), m.Reply) {
		r.refuse(nc, nil, api, &Refusal{Reason: ReasonReply, Detail: "the reply subject " + m.Reply + " is not the agent's inbox"})
		return
	}
	team, known := g.TeamOf(cluster)
	if !known {
		r.refuse(nc, m, api, &Refusal{Reason: ReasonCluster, Detail: "weft knows no cluster " + cluster})
		return
	}
	if err := Check(cluster, team, api, m.Data); err != nil {
		r.refuse(nc, m, api, err)
		return
	}
	forward(nc, m, api, g.Log)
}

// forward sends m to JetStream's own API unchanged, with its reply, so the
// answer goes straight back to the requester.
func forward(nc *nats.Conn, m *nats.Msg, api string, log *slog.Logger) {
	fwd := &nats.Msg{Subject: "$JS.API." + api, Reply: m.Reply, Header: m.Header, Data: m.Data}
	if err := nc.PublishMsg(fwd); err != nil {
		log.Warn("could not forward a JetStream request", "api", api, "err", err)
	}
}

// inInbox reports whether reply is a subject in the inbox prefix, with no
// wildcard: the only place an answer may go.
func inInbox(prefix, reply string) bool {
	rest, ok := strings.CutPrefix(reply, prefix+".")
	return ok && rest != "" && !strings.ContainsAny(rest, "*> \t\r\n")
}

// refuser logs, counts and answers one kind of user's refused requests.
type refuser struct {
	log   *slog.Logger
	who   string // "agent", "auditor"
	name  string
	count func(reason string)
}

// refuse records r; with m (whose reply was checked) it also answers, as
// JetStream answers a request it refuses: direct gets and pulls with a
// status header, the rest with an API error. Without m nothing is
// answered: the reply subject is where an attack would write.
func (f refuser) refuse(nc *nats.Conn, m *nats.Msg, api string, r *Refusal) {
	f.count(r.Reason)
	f.log.Warn("refused a JetStream request", f.who, f.name, "reason", r.Reason, "detail", r.Detail)
	if m == nil {
		return
	}
	ans := nats.NewMsg(m.Reply)
	if strings.HasPrefix(api, "DIRECT.GET.") || strings.HasPrefix(api, "CONSUMER.MSG.NEXT.") {
		ans.Header.Set("Status", "403")
		ans.Header.Set("Description", "weft: "+r.Detail)
	} else {
		ans.Header = nil
		ans.Data, _ = json.Marshal(apiError{Error: apiErrorBody{Code: 403, Description: "weft: " + r.Detail}})
	}
	if err := nc.PublishMsg(ans); err != nil {
		f.log.Warn("could not answer a refused JetStream request", f.who, f.name, "err", err)
	}
}

type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code        int    `json:"code"`
	Description string `json:"description"`
}

// Refusal is why the guard refused a request.
type Refusal struct {
	Reason string // one of the Reason constants
	Detail string
}

func (r *Refusal) Error() string { return r.Detail }

// The reasons of a Refusal: few and fixed, so they can label a metric.
const (
	ReasonReply    = "reply"    // the reply subject is not the agent's inbox
	ReasonCluster  = "cluster"  // weft knows no such cluster
	ReasonAPI      = "api"      // not an API an agent uses
	ReasonStream   = "stream"   // not one of the agent's streams
	ReasonConsumer = "consumer" // not an ephemeral pull consumer (or, for an auditor, not its own)
	ReasonGrant    = "grant"    // an auditor's credentials no longer stand
	ReasonSubject  = "subject"  // an auditor's read outside its team's subjects
)

// Check reports whether an agent of cluster in team may make the
// JetStream API request api (what follows $JS.API.) with body: stream
// info and direct gets on its cluster's stream, its team's stream and its
// team's snapshot; pull consumers (created, read, deleted) on the first
// two. Anything else is an error saying what was refused.
func Check(cluster, team, api string, body []byte) *Refusal {
	own, tm, ts := clusterstate.StreamName(cluster), clusterstate.TeamStreamName(team), clusterstate.SnapshotStreamName(team)
	tokens := apiTokens(strings.Split(api, "."))
	consumable := func(s string) bool { return s == own || s == tm }
	readable := func(s string) bool { return consumable(s) || s == ts }
	switch {
	case len(tokens) == 3 && tokens[0] == "STREAM" && tokens[1] == "INFO":
		if readable(tokens.at(2)) {
			return nil
		}
	case len(tokens) >= 3 && tokens[0] == "DIRECT" && tokens[1] == "GET":
		if readable(tokens.at(2)) {
			return nil
		}
	case len(tokens) >= 3 && tokens[0] == "CONSUMER" && tokens[1] == "CREATE":
		if !consumable(tokens.at(2)) {
			break
		}
		return checkConsumer(body)
	case len(tokens) == 4 && tokens[0] == "CONSUMER" && (tokens[1] == "INFO" || tokens[1] == "DELETE"):
		if consumable(tokens.at(2)) {
			return nil
		}
	case len(tokens) == 5 && tokens[0] == "CONSUMER" && tokens[1] == "MSG" && tokens[2] == "NEXT":
		if consumable(tokens.at(3)) {
			return nil
		}
	default:
		return &Refusal{Reason: ReasonAPI, Detail: api + " is not an API an agent may use"}
	}
	return &Refusal{Reason: ReasonStream, Detail: fmt.Sprintf("%s: not this agent's stream (it may read %s, %s and %s)", api, own, tm, ts)}
}

// apiTokens are a request's subject after $JS.API, split on dots.
type apiTokens []string

// at is token i, or "" past the end.
func (t apiTokens) at(i int) string {
	if i < len(t) {
		return t[i]
	}
	return ""
}

// consumerRequest is the part of a consumer create request the guard reads.
type consumerRequest struct {
	Config consumerConfig `json:"config"`
}

type consumerConfig struct {
	DeliverSubject string `json:"deliver_subject"`
	DeliverGroup   string `json:"deliver_group"`
	Durable        string `json:"durable_name"`
	FlowControl    bool   `json:"flow_control"`
}

// checkConsumer allows only ephemeral pull consumers: a push consumer
// would deliver to a subject of its creator's choosing, as the server.
func checkConsumer(body []byte) *Refusal {
	var req consumerRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return &Refusal{Reason: ReasonConsumer, Detail: "consumer create: not a JSON request: " + err.Error()}
	}
	c := req.Config
	switch {
	case c.DeliverSubject != "" || c.DeliverGroup != "" || c.FlowControl:
		return &Refusal{Reason: ReasonConsumer, Detail: "consumer create: only pull consumers (no deliver subject, group or flow control)"}
	case c.Durable != "":
		return &Refusal{Reason: ReasonConsumer, Detail: "consumer create: only ephemeral consumers (no durable name)"}
	}
	return nil
}
