// Package kube is the agent's Kubernetes controller (weft-agent
// --kubernetes): it turns the Kubernetes entries of the cluster's desired
// state (clusterstate's kube.go) into objects in the cluster, reports
// back how they are doing, and feeds the proxy the ready endpoints of the
// Services that back its routes.
//
// Guarantees:
//
//   - Only weft's objects are touched. Everything the controller creates
//     carries clusterstate.LabelManagedBy=weft and the ids it was made for;
//     it changes or deletes an object only when those labels say it is the
//     one for that entry. A namespace, Deployment or Service of the same
//     name that is not weft's is refused (NamespaceStatus.Error,
//     AppStatus.LastError), never adopted.
//   - Applies are server-side applies under clusterstate.FieldManager, so a
//     field another manager owns stays theirs. An object is applied only
//     when its entry changed or someone else changed it (apply.go: the
//     last apply configuration sent, against the cached object's
//     generation or resourceVersion), so a rollout's status churn costs no
//     request; an object the cache does not show yet is applied unforced,
//     so one of that name that appeared meanwhile is refused, not taken
//     over.
//   - Pruning waits for the whole desired state (Synced): before it, an
//     empty map would mean "delete everything".
//   - Reconciling is level-based: each entry's key is queued on every
//     change of the entry or of an object labelled for it, and the worker
//     compares the entry with the informers' view of the cluster. A failed
//     apply is retried with back-off; its error is reported.
//   - Status comes from informers, never polling: an app's AppStatus is
//     computed at most once per Debounce after its Deployment or pods
//     change (an exported Service's: its endpoints), and published only
//     when it differs from the last one sent.
//   - Watches: every Deployment (only the metadata of those not weft's, to
//     refuse a name taken without asking), Service and EndpointSlice of the
//     cluster, one informer each, weft's found by the owner index; weft's
//     Namespaces and pods by label.
//   - Endpoint following (Routes) changes a route's backends when its
//     Service's ready EndpointSlices change; the proxy keeps every other
//     backend's connections.
//
// Objects per entry (all labelled with the entry's Labels):
//
//	namespace: Namespace <name>                              role env
//	workload:  Deployment and Service <ns>/<name>            role workload
//	import:    Service <ns>/<name> without selector, and
//	           EndpointSlice <ns>/<name>-weft to the mesh    role import
//	           (Namespace <ns> too when it had to be made)
//	export:    nothing: the Service is the user's, only read; its
//	           endpoints are the app's status
//	config:    ConfigMap <ns>/<name>                          role config
//	managed:   Secret <ns>/<name>-credentials (generated        role managed
//	           here once, kept), StatefulSet and Service
//	           <ns>/<name>, volume claim data-<name>-0 (kept
//	           when the entry goes; deleted by a purge entry)
//	router:    Ingress <ns>/<name>                             role router
//	secret:    Secret <ns>/<name>, values opened with the      role secret
//	           agent's sealing key (never logged)
//	           (a workload that takes values from either carries a digest
//	           on its pod template, so a change rolls it)
package kube
