// Package kubetest runs a real Kubernetes control plane for tests, and
// plays the kubelet of its nodes, so code that drives Kubernetes (the
// agent's controller, weft's manifests, the e2e scenario) is tested against
// the API server's own validation, admission, RBAC and controllers instead
// of a fake clientset.
//
// # Control plane
//
// Start(t) runs etcd, kube-apiserver and kube-controller-manager as child
// processes of the test (killed with it), on free ports of 127.0.0.1, from
// binaries that `go tool task kube` builds out of k8s.io/kubernetes (module
// tools/kube) into .weft/kube/bin; WEFT_KUBE_BIN points elsewhere. Without
// them the test is skipped, or fails when CI is set. The API server
// authorizes with RBAC and authenticates:
//
//   - the administrator, a bearer token in group system:masters:
//     ControlPlane.AdminConfig and ControlPlane.Client;
//   - any user in any groups, by a client certificate the control plane's CA
//     signs on demand: ControlPlane.UserConfig(t, "alice", "team-a"), to
//     check that RBAC grants a subject what it needs and no more;
//   - a service account, by a bearer token from the TokenRequest API:
//     ControlPlane.ServiceAccountConfig(t, "weft-system", "weft-agent"),
//     what the agent's Pod would hold in a cluster.
//
// ControlPlane.Kubeconfig writes any of these for a child process.
//
// With the Netns option the three processes run inside a network namespace,
// on its 127.0.0.1, as one cluster of the e2e scenario: a process started
// there (the agent) uses the kubeconfig, while the configurations above dial
// from inside the namespace, so the test still talks to the API server from
// the host's namespace. Two clusters in two namespaces do not see each other.
// The controller-manager runs every default controller with its own service
// account, so Deployments get ReplicaSets and Pods, ready Pods get
// EndpointSlices, namespaces are finalized and garbage is collected as in a
// real cluster. There is no kube-scheduler and no kubelet: the Kubelet below
// binds and runs the Pods. Each start takes a few seconds; the three
// processes hold about 450 MB together.
//
// # Kubelet
//
// StartKubelet(t, cp.AdminConfig(), KubeletConfig{}) plays one Node:
//
//   - it registers the Node (Ready, 8 CPUs, 32Gi, 110 pods, InternalIP the
//     first address of its pod range) and renews its Lease every ten
//     seconds, so the node lifecycle controller leaves it alone;
//   - it binds every unscheduled Pod whose schedulerName is the default to
//     its Node (playing the scheduler: no resources, affinities, taints or
//     spreading are considered; with two kubelets in a cluster the first to
//     bind wins);
//   - for each Pod on its Node it assigns the next address of the pod range,
//     adds it to the loopback interface of the kubelet's network namespace,
//     starts the Pod's process with the KubeletConfig's RunFunc (ServeHTTP by
//     default: an HTTP server on each container port answering with the
//     Pod's name) and then writes the status a kubelet would: phase Running,
//     podIP and hostIP, a running and ready status per container (init
//     containers completed), conditions Initialized, ContainersReady and
//     Ready true. Probes are not run: a Pod is Ready once its process runs;
//   - when a Pod is deleted, it stops the process, frees the address and
//     removes the Pod object (grace period zero), as a kubelet does once
//     the containers have stopped;
//   - Kubelet.CrashLoop(ctx, namespace, name, restarts) stops a Pod's
//     process and reports CrashLoopBackOff as a kubelet does, until
//     Kubelet.Restart.
//
// The pods' network namespace is the KubeletConfig's Netns (give the e2e
// scenario's namespace of the cluster) or one the kubelet creates; either
// needs root. A test in the host's namespace reaches the pods with
// Kubelet.HTTPClient or DialIn, and a RunFunc of its own listens with
// ListenIn or starts a child with `ip netns exec`.
//
// Tests that use it wait for an effect with weft.dev/kernel/wait.For
// rather than sleeping.
package kubetest
