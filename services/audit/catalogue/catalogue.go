// Package catalogue describes every event type weft records, for auditors:
// a JSON Schema per type and version, generated from the Go types of the
// registry, and a page per type (what it means, who emits it, its fields, an
// example envelope). The generated files live in schemas/events; the
// command event-catalogue writes them (go tool task generate-events) and
// this package's tests fail when they differ from what the Go types make,
// or when a committed version's field was removed or retyped (a change
// that needs a new version and an upcaster, never an edit).
//
// Guarantees: generation is a pure function of the registry and the Go
// sources' comments (byte-identical output on every run), and a schema
// once committed for a version only ever gains optional fields.
package catalogue

import (
	"weft.dev/events"
	accounts "weft.dev/services/accounts/domain"
	"weft.dev/services/audit/seal"
	console "weft.dev/services/console/domain"
	infra "weft.dev/services/infra/domain"
	"weft.dev/services/uniq"
)

// Register registers every event type of weft, as weft-server's services
// together do (each module contributes its own to the platform's registry).
func Register(r *events.Registry) {
	accounts.Register(r)
	infra.Register(r)
	console.Register(r)
	uniq.Register(r)
	seal.Register(r)
}

// Registry returns a registry of every weft event type.
func Registry() *events.Registry {
	r := events.NewRegistry()
	Register(r)
	return r
}

// emitters names who appends the types no user's command emits: the
// message office, from what a cluster's agent reports on status.<cluster>.>.
var emitters = map[string]string{
	"infra.cluster.agent-reported":      "the message office, when a cluster's agent comes or goes (from its status reports on `status.<cluster>.>`); actor `system:messageoffice`",
	"infra.cluster.agent-applied":       "the message office, when an online cluster's agent reports it converged further; actor `system:messageoffice`",
	"infra.cluster.gateway-reported":    "the message office, from the cluster's agent's report of its gateway key and endpoint; actor `system:agent-<cluster>`",
	"infra.cluster.kubernetes-reported": "the message office, from the cluster's agent's report of its Kubernetes mode; actor `system:agent-<cluster>`",
	"console.app.rollout-reported":      "the message office, from the cluster's agent's report of an app's rollout; actor `system:agent-<cluster>`",
	"console.env.namespace-reported":    "the message office, from the cluster's agent's report of an environment's namespace; actor `system:agent-<cluster>`",
	"audit.chain.checkpointed":          "the audit service's sealer, every `--checkpoint-every` (a minute) for each team whose events grew and verify; actor `system:audit`",
}

// services names each type name's first token.
var services = map[string]string{
	"accounts": "the accounts service (users, tokens, teams and their members)",
	"infra":    "the infra service (the team's network: clusters, devices, addresses)",
	"console":  "the console service (environments, apps, managed services, intercepts, policies)",
	"audit":    "the audit service (the signed checkpoints of the log's hash chain)",
	"uniq":     "the service creating, renaming or deleting the named resource, atomically with that resource's own event (names are unique per team)",
}
