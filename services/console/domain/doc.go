// Package domain is the console service's pure core: environments, apps,
// managed services, intercepts, access policies and the per-cluster service
// IP range, each an aggregate with Decide (state, command → events) and
// Evolve (state, event → state) functions, plus the access policy evaluation
// Decide. It imports no I/O: handlers in package command load, decide and
// append; the read model in package readmodel projects.
//
// Aggregates (subject ev.<team>.<type>.<id>):
//   - env/<uuid>: an environment, named (unique per team, uniq kind "env"),
//     homed in one cluster of the team.
//   - app/<uuid> and service/<uuid>: an app or managed service in an
//     environment, with ports, backends, load balancing, a health check and a
//     service IP from its cluster's service range. Apps and services of one
//     environment share one name space (uniq kind "app", name
//     "<envID>-<name>"): both become DNS names <name>.<env>.<team>.<zone>.
//     The environment id is a fixed-length UUID without dots, so the
//     combined token can neither collide across environments nor break the
//     subject.
//     An app's backends may instead (or also) come from Kubernetes: a
//     Workload (a container its cluster's agent runs as a Deployment and a
//     Service) or an exported Service (ServiceRef), never both
//     (Backing.Normalize checks the whole shape). Its Generation is the
//     sequence of its last change of spec; the agent's reports of its
//     rollout are recorded on it (AppRolloutReported, by the message
//     office, changed only), which changes neither its spec nor its
//     generation.
//   - svcrange/<clusterID>: the service IPs handed out in one cluster's
//     range. Every allocation is appended here atomically with the creating
//     event and the address's claim (uniq kind "ip", IPKey): the claim,
//     appended expecting the version read, is what keeps two apps (in any
//     process) from one IP, so the range itself is appended to without a
//     version check and a cluster's creations and deletions do not take
//     turns on it. An IP is reused only after the event releasing it and
//     its claim (the delete). Addresses handed out before claims existed
//     have none; the range still shows them taken.
//   - intercept/<uuid>: one redirection of an app port to a device's
//     address. The app aggregate records which of its ports are
//     intercepted (AppInterceptAttached/Detached, appended atomically with
//     InterceptStarted/Stopped), so at most one intercept is active per
//     app port under any concurrency.
//   - A managed service either names fixed backends (Spec) or is run by
//     its cluster (Instance: kind, version, storage, and the key pair its
//     credentials are sealed to, the private half sealed by the keyring
//     under the service's id). Its agent's reports of status, credentials
//     (sealed) and, for one deleted with its data, that the data is gone
//     are recorded on it (ServiceStatusReported, changed only;
//     ServiceCredentialsReported, once per Secret; ServiceDataDeleted).
//   - router/<uuid>: a public HTTP entry for a domain, named (unique among
//     the environment's routers: uniq kind "router", name
//     "<envID>-<name>"), whose routes lead to apps with a workload or run
//     services of its environment (checked against the log when created
//     or updated); its agent's reports of its Ingress's addresses are
//     recorded on it (RouterStatusReported, changed only).
//   - policy/<uuid>: an access rule, named (uniq kind "policy").
//   - config/<uuid>: keys and values of one environment, named (unique
//     among the environment's configs: uniq kind "config", name
//     "<envID>-<name>"). Changes record only the keys set and removed
//     (ConfigChanged), so its history reads key by key. Apps' workloads
//     take values from configs of their environment (EnvVar.From,
//     EnvFrom, Files).
//   - A clone (weft env clone) is an environment whose creation names the
//     one it copies (EnvCreated.ClonedFrom), made in one atomic batch with
//     a copy of each of the source's apps, services, configs, secrets and
//     routers: new ids, their own service IPs, the same names, each
//     creation naming its source (ClonedFrom); a run service's copy is a
//     new, empty instance with its own credentials key, a secret's copy is
//     sealed again under its own key, a router's copy has no domain unless
//     given one. The batch's one guard is the target cluster's name claim.
//
// Rules:
//   - Roles: members create, update and delete apps and services and start
//     and stop intercepts; admins and owners also manage environments and
//     access policies.
//   - An environment can be deleted only when it holds no apps or services
//     (checked against the read model caught up to the log's end; a create
//     racing the delete can slip through). A clone is deleted with all it
//     holds, in one atomic batch, each resource expecting the version read.
//   - When a cluster is deleted, its environments stay (they show the
//     cluster as gone); new apps and services there are refused with
//     CONFLICT, existing ones can still be updated and deleted, which frees
//     their IPs.
//   - An app or run service a router routes to cannot be deleted
//     (CONFLICT; checked against the read model caught up to the log's
//     end): change the router first.
//   - An app with an active intercept cannot be deleted, and an intercepted
//     port cannot be removed from it (CONFLICT): stop the intercept first.
//   - Members set and delete configs. A config an app takes values from,
//     or a key one of its variables takes, cannot be deleted (CONFLICT),
//     checked against the read model caught up to the log's end, as an
//     environment's emptiness is; an app cannot name a config (or a key)
//     its environment lacks, checked against the log.
//   - Access: policies are evaluated by priority, higher first; among the
//     matching policies of the highest matching priority a deny wins; when
//     no policy matches, the team default is allow.
//
// Event type names are console.<aggregate>.<past-tense verb>.
package domain
