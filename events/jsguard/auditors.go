package jsguard

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"github.com/nats-io/nats.go"

	"weft.dev/events"
)

// An auditor's NATS credentials (weft audit credentials) are a NATS user
// per grant, allowed to publish only to its own prefix and to subscribe
// only on its own inbox. Through the guard it may read its team's events
// in EVENTS, and nothing else: direct gets whose subject is the team's,
// and ephemeral pull consumers filtered to the team's subjects whose names
// start with the grant's id (so it reads through no one else's consumer).
const auditorAPIRoot = "weft.auditapi"

// AuditorAPIPrefix is where grant id of team sends its JetStream API
// requests (jetstream.NewWithAPIPrefix).
func AuditorAPIPrefix(team, id string) string { return auditorAPIRoot + "." + team + "." + id }

// AuditorInbox is the grant's reply-subject prefix (nats.CustomInboxPrefix).
func AuditorInbox(id string) string { return "_INBOX_AUD_" + id }

// AuditorUser is the grant's NATS user name.
func AuditorUser(id string) string { return "auditor-" + id }

// AuditorConsumerPrefix is how the names of the grant's consumers start
// (jetstream.OrderedConsumerConfig.NamePrefix).
func AuditorConsumerPrefix(id string) string { return id }

// AuditorPermissions are the subjects grant id of team may publish to and
// subscribe on, and nothing more.
func AuditorPermissions(team, id string) (publish, subscribe []string) {
	return []string{AuditorAPIPrefix(team, id) + ".>"}, []string{AuditorInbox(id) + ".>"}
}

// eventsStream and eventsRoot are the log's stream and its subjects'
// first token.
const (
	eventsStream = events.StreamName
	eventsRoot   = events.SubjectPrefix
)

// Auditors checks and forwards auditors' JetStream API requests.
type Auditors struct {
	// Valid reports whether grant id still stands for team: its token
	// exists, is not revoked or expired, and its user is still an auditor
	// or owner of the team. Asked on every request, so a revoked grant
	// or a lost role stops the next pull.
	Valid   func(team, id string) bool
	Log     *slog.Logger
	Refused func(team, reason string)
}

// Serve answers every auditor's prefix on nc until the subscription is
// closed.
func (g *Auditors) Serve(nc *nats.Conn) (*nats.Subscription, error) {
	sub, err := nc.QueueSubscribe(auditorAPIRoot+".*.*.>", Queue, func(m *nats.Msg) { g.handle(nc, m) })
	if err != nil {
		return nil, fmt.Errorf("serve the auditors' JetStream API: %w", err)
	}
	return sub, nil
}

func (g *Auditors) handle(nc *nats.Conn, m *nats.Msg) {
	rest, ok := strings.CutPrefix(m.Subject, auditorAPIRoot+".")
	if !ok {
		return
	}
	parts := strings.SplitN(rest, ".", 3)
	if len(parts) != 3 {
		return
	}
	team, id, api := parts[0], parts[1], parts[2]
	r := refuser{log: g.Log, who: "auditor", name: team + "/" + id, count: func(reason string) {
		if g.Refused != nil {
			g.Refused(team, reason)
		}
	}}
	if !inInbox(AuditorInbox(id), m.Reply) {
		r.refuse(nc, nil, api, &Refusal{Reason: ReasonReply, Detail: "the reply subject " + m.Reply + " is not the auditor's inbox"})
		return
	}
	if !g.Valid(team, id) {
		r.refuse(nc, m, api, &Refusal{Reason: ReasonGrant, Detail: "these audit credentials are revoked, expired or no longer the team's auditor's or owner's"})
		return
	}
	if err := CheckAuditor(team, id, api, m.Data); err != nil {
		r.refuse(nc, m, api, err)
		return
	}
	forward(nc, m, api, g.Log)
}

// CheckAuditor reports whether grant id of team may make the JetStream API
// request api with body: direct gets of its team's subjects in EVENTS, and
// ephemeral pull consumers on EVENTS filtered to them, named after the
// grant.
func CheckAuditor(team, id, api string, body []byte) *Refusal {
	tokens := apiTokens(strings.Split(api, "."))
	eventsOnly := func() *Refusal {
		return &Refusal{Reason: ReasonStream, Detail: api + ": an auditor reads only " + eventsStream}
	}
	own := func(name string) *Refusal {
		if !strings.HasPrefix(name, AuditorConsumerPrefix(id)) {
			return &Refusal{Reason: ReasonConsumer, Detail: fmt.Sprintf("consumer %s: an auditor's consumers are named %s… (jetstream.OrderedConsumerConfig.NamePrefix)", name, AuditorConsumerPrefix(id))}
		}
		return nil
	}
	switch {
	case tokens.at(0) == "DIRECT" && tokens.at(1) == "GET":
		if tokens.at(2) != eventsStream {
			return eventsOnly()
		}
		if len(tokens) > 3 {
			// The last message of the subject that follows the stream.
			if !teamSubject(team, strings.Join(tokens[3:], ".")) {
				return teamOnly(team, api)
			}
			return nil
		}
		return checkDirectGet(team, body)
	case tokens.at(0) == "CONSUMER" && tokens.at(1) == "CREATE":
		if tokens.at(2) != eventsStream {
			return eventsOnly()
		}
		if len(tokens) < 4 {
			return &Refusal{Reason: ReasonConsumer, Detail: "consumer create: an auditor's consumers are named (CONSUMER.CREATE.EVENTS.<name>)"}
		}
		if r := own(tokens[3]); r != nil {
			return r
		}
		if len(tokens) > 4 && !teamSubject(team, strings.Join(tokens[4:], ".")) {
			return teamOnly(team, api)
		}
		return checkAuditorConsumer(team, tokens[3], body)
	case tokens.at(0) == "CONSUMER" && (tokens.at(1) == "INFO" || tokens.at(1) == "DELETE") && len(tokens) == 4:
		if tokens.at(2) != eventsStream {
			return eventsOnly()
		}
		return own(tokens[3])
	case tokens.at(0) == "CONSUMER" && tokens.at(1) == "MSG" && tokens.at(2) == "NEXT" && len(tokens) == 5:
		if tokens.at(3) != eventsStream {
			return eventsOnly()
		}
		return own(tokens[4])
	}
	return &Refusal{Reason: ReasonAPI, Detail: api + " is not an API an auditor may use (direct get, and pull consumers on " + eventsStream + ")"}
}

// teamSubject reports whether subject (a filter, wildcards allowed after
// the team) lies inside team's events: ev.<team>.<something>.
func teamSubject(team, subject string) bool {
	t := strings.Split(subject, ".")
	return len(t) >= 3 && t[0] == eventsRoot && t[1] == team && t[2] != ""
}

func teamOnly(team, api string) *Refusal {
	return &Refusal{Reason: ReasonSubject, Detail: fmt.Sprintf("%s: an auditor of %s reads only %s.%s.>", api, team, eventsRoot, team)}
}

// directGet is the part of a direct get request the guard reads.
type directGet struct {
	Seq        uint64   `json:"seq"`
	LastBySubj string   `json:"last_by_subj"`
	NextBySubj string   `json:"next_by_subj"`
	MultiLast  []string `json:"multi_last"`
}

// checkDirectGet allows a direct get only by its team's subjects: one by
// sequence alone would answer any team's event at that sequence.
func checkDirectGet(team string, body []byte) *Refusal {
	var req directGet
	if err := json.Unmarshal(body, &req); err != nil {
		return &Refusal{Reason: ReasonSubject, Detail: "direct get: not a JSON request: " + err.Error()}
	}
	subjects := append([]string{}, req.MultiLast...)
	for _, s := range []string{req.LastBySubj, req.NextBySubj} {
		if s != "" {
			subjects = append(subjects, s)
		}
	}
	if len(subjects) == 0 {
		return &Refusal{Reason: ReasonSubject, Detail: fmt.Sprintf("direct get: an auditor gets by subject (next_by_subj %s.%s.>, with seq to start from), not by sequence alone", eventsRoot, team)}
	}
	for _, s := range subjects {
		if !teamSubject(team, s) {
			return teamOnly(team, "DIRECT.GET."+eventsStream+" "+s)
		}
	}
	return nil
}

// auditorConsumer is the part of an auditor's consumer create the guard reads.
type auditorConsumer struct {
	Config struct {
		consumerConfig
		Name           string   `json:"name"`
		FilterSubject  string   `json:"filter_subject"`
		FilterSubjects []string `json:"filter_subjects"`
	} `json:"config"`
}

func checkAuditorConsumer(team, name string, body []byte) *Refusal {
	if r := checkConsumer(body); r != nil {
		return r
	}
	var req auditorConsumer
	if err := json.Unmarshal(body, &req); err != nil {
		return &Refusal{Reason: ReasonConsumer, Detail: "consumer create: not a JSON request: " + err.Error()}
	}
	c := req.Config
	if c.Name != "" && c.Name != name {
		return &Refusal{Reason: ReasonConsumer, Detail: fmt.Sprintf("consumer create: the config names %s, the subject %s", c.Name, name)}
	}
	filters := append([]string{}, c.FilterSubjects...)
	if c.FilterSubject != "" {
		filters = append(filters, c.FilterSubject)
	}
	if len(filters) == 0 {
		return &Refusal{Reason: ReasonSubject, Detail: fmt.Sprintf("consumer create: an auditor's consumer filters to %s.%s.> or narrower", eventsRoot, team)}
	}
	for _, f := range filters {
		if !teamSubject(team, f) {
			return teamOnly(team, "consumer filter "+f)
		}
	}
	return nil
}
