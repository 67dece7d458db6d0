package kubetest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/retry"
	"k8s.io/client-go/util/workqueue"
)

// KubeletConfig says how StartKubelet plays a node. Every field has a
// default.
type KubeletConfig struct {
	// NodeName names the Node object; "kubetest-node" when empty.
	NodeName string
	// Netns is the network namespace (an `ip netns` name) the pods' processes
	// run in; when empty, the kubelet makes one of its own with NewNetns.
	// Give the e2e scenario's cluster namespace here so the agent there
	// reaches the pods.
	Netns string
	// PodCIDR is the Node's pod range: its first address is the Node's
	// InternalIP and each pod gets the next free one, added to the
	// namespace's loopback interface as a /32 while the pod exists (Pod and
	// EndpointSlice validation refuse loopback addresses, so 127.0.0.0/8 will
	// not do). 10.244.0.0/24 when not set; two kubelets sharing one
	// namespace need ranges that do not overlap.
	PodCIDR netip.Prefix
	// Run starts a pod's process; ServeHTTP when nil.
	Run RunFunc
}

// A RunFunc starts the process of pod in sandbox and returns how to stop
// it. It is called once per pod (again after Restart), with the kubelet's
// lock held, so it should return once the process is listening. An error is
// reported in the pod's status (container waiting, reason RunContainerError)
// and retried with back-off.
type RunFunc func(pod *corev1.Pod, sandbox Sandbox) (stop func(), err error)

// Sandbox is where a pod's process runs: its network namespace and the
// address assigned to it there.
type Sandbox struct {
	Netns string
	IP    netip.Addr
}

// Kubelet plays the kubelet of one Node (and, there being no scheduler, the
// scheduler's binding) against a control plane. See the package
// documentation for what it does and does not do.
type Kubelet struct {
	client kubernetes.Interface
	node   string
	netns  string
	cidr   netip.Prefix
	nodeIP netip.Addr
	run    RunFunc

	pods   corelisters.PodLister
	queue  workqueue.TypedRateLimitingInterface[string]
	cancel context.CancelFunc
	done   sync.WaitGroup

	mu      sync.Mutex           // held by sync and by the test's calls (CrashLoop, Restart)
	running map[string]*podState // by namespace/name
	used    map[netip.Addr]bool
	last    netip.Addr // the address given last; the next pod gets the next free one after it
}

type podState struct {
	uid      types.UID
	ip       netip.Addr
	stop     func() // nil while the process is not running
	crashing bool   // CrashLoop stopped it; sync leaves it stopped
}

// StartKubelet registers a Ready Node in the cluster cfg reaches (cfg must
// be allowed to write Nodes, Leases, pods/binding and pods/status: the
// control plane's AdminConfig is) and plays its kubelet until the test ends,
// when it stops every pod's process. It returns once the Node exists and the
// kubelet has seen every pod.
func StartKubelet(t testing.TB, cfg *rest.Config, kc KubeletConfig) *Kubelet {
	t.Helper()
	if kc.NodeName == "" {
		kc.NodeName = "kubetest-node"
	}
	if kc.Netns == "" {
		kc.Netns = NewNetns(t)
	}
	if !kc.PodCIDR.IsValid() {
		kc.PodCIDR = netip.MustParsePrefix("10.244.0.0/24")
	}
	if !kc.PodCIDR.Addr().Is4() || kc.PodCIDR.Bits() > 30 {
		t.Fatalf("pod CIDR %s: want an IPv4 range of at least four addresses", kc.PodCIDR)
	}
	if kc.Run == nil {
		kc.Run = ServeHTTP
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatalf("kubelet client: %v", err)
	}
	k := &Kubelet{
		client:  client,
		node:    kc.NodeName,
		netns:   kc.Netns,
		cidr:    kc.PodCIDR.Masked(),
		run:     kc.Run,
		queue:   workqueue.NewTypedRateLimitingQueue(workqueue.NewTypedItemExponentialFailureRateLimiter[string](50*time.Millisecond, 5*time.Second)),
		running: map[string]*podState{},
		used:    map[netip.Addr]bool{},
	}
	k.nodeIP = k.cidr.Addr().Next()
	k.used[k.nodeIP] = true
	k.last = k.nodeIP

	ctx, cancel := context.WithCancel(context.Background())
	k.cancel = cancel
	t.Cleanup(k.stop)
	if err := k.addAddress(k.nodeIP); err != nil {
		t.Fatal(err)
	}
	if err := k.register(ctx); err != nil {
		t.Fatalf("register node %s: %v", k.node, err)
	}

	factory := informers.NewSharedInformerFactory(client, 0)
	podInformer := factory.Core().V1().Pods()
	k.pods = podInformer.Lister()
	enqueue := func(obj any) {
		if key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj); err == nil {
			k.queue.Add(key)
		}
	}
	if _, err := podInformer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    enqueue,
		UpdateFunc: func(_, obj any) { enqueue(obj) },
		DeleteFunc: enqueue,
	}); err != nil {
		t.Fatalf("watch pods: %v", err)
	}
	factory.Start(ctx.Done())
	k.done.Go(func() { factory.Shutdown() })
	if !cache.WaitForCacheSync(ctx.Done(), podInformer.Informer().HasSynced) {
		t.Fatal("kubelet: pod informer did not sync")
	}
	k.done.Go(func() { k.work(ctx) })
	k.done.Go(func() { k.heartbeat(ctx) })
	return k
}

// NodeName is the name of the Node this kubelet plays.
func (k *Kubelet) NodeName() string { return k.node }

// Netns is the network namespace the pods run in.
func (k *Kubelet) Netns() string { return k.netns }

// HTTPClient returns a client whose connections start in the pods' network
// namespace, so a test in the host's namespace can reach a pod's address.
func (k *Kubelet) HTTPClient() *http.Client {
	return &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{DialContext: DialIn(k.netns), DisableKeepAlives: true},
	}
}

// CrashLoop stops the process of pod namespace/name and reports it as a
// kubelet reports a container that keeps failing: phase Running, each
// container waiting with reason CrashLoopBackOff, its last state terminated
// with exit code 1, restartCount set to restarts, and the pod not Ready (so
// the EndpointSlice controller takes it out of the ready endpoints). The pod
// keeps its address. It stays so until Restart or its deletion.
func (k *Kubelet) CrashLoop(ctx context.Context, namespace, name string, restarts int32) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	key := namespace + "/" + name
	st := k.running[key]
	if st == nil {
		return fmt.Errorf("crash-loop %s: not running on node %s", key, k.node)
	}
	if st.stop != nil {
		st.stop()
		st.stop = nil
	}
	st.crashing = true
	return k.writeStatus(ctx, namespace, name, st, func(pod *corev1.Pod) {
		now := metav1.Now()
		for i := range pod.Status.ContainerStatuses {
			cs := &pod.Status.ContainerStatuses[i]
			started := cs.State.Running
			cs.LastTerminationState = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				ExitCode: 1, Reason: "Error", FinishedAt: now, ContainerID: cs.ContainerID,
			}}
			if started != nil {
				cs.LastTerminationState.Terminated.StartedAt = started.StartedAt
			}
			cs.State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{
				Reason:  "CrashLoopBackOff",
				Message: fmt.Sprintf("back-off 5m0s restarting failed container=%s pod=%s_%s(%s)", cs.Name, name, namespace, pod.UID),
			}}
			cs.Ready = false
			cs.Started = new(false)
			cs.RestartCount = restarts
		}
		notReady(pod, "ContainersNotReady")
	})
}

// Restart ends a CrashLoop: the pod's process starts again and the pod
// becomes Ready, its restart count kept.
func (k *Kubelet) Restart(namespace, name string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	key := namespace + "/" + name
	st := k.running[key]
	if st == nil {
		return fmt.Errorf("restart %s: not on node %s", key, k.node)
	}
	st.crashing = false
	k.queue.Add(key)
	return nil
}

func (k *Kubelet) stop() {
	k.cancel()
	k.queue.ShutDown()
	k.done.Wait()
	k.mu.Lock()
	defer k.mu.Unlock()
	for key, st := range k.running {
		k.release(key, st)
	}
}

func (k *Kubelet) work(ctx context.Context) {
	for {
		key, shutdown := k.queue.Get()
		if shutdown {
			return
		}
		if err := k.sync(ctx, key); err != nil && ctx.Err() == nil {
			k.queue.AddRateLimited(key)
		} else {
			k.queue.Forget(key)
		}
		k.queue.Done(key)
	}
}

// sync brings one pod's process and status to what the API says: bind it if
// unscheduled, start it if bound here and not running, stop it and finish
// its deletion if it is terminating, forget it if it is gone.
func (k *Kubelet) sync(ctx context.Context, key string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	namespace, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return nil
	}
	pod, err := k.pods.Pods(namespace).Get(name)
	st := k.running[key]
	if apierrors.IsNotFound(err) {
		if st != nil {
			k.release(key, st)
		}
		return nil
	}
	if err != nil {
		return err
	}
	if st != nil && st.uid != pod.UID { // the same name, another pod
		k.release(key, st)
		st = nil
	}
	switch {
	case pod.Spec.NodeName == "":
		return k.bind(ctx, pod)
	case pod.Spec.NodeName != k.node:
		return nil
	case pod.DeletionTimestamp != nil:
		if st != nil {
			k.release(key, st)
		}
		// What a kubelet does once the containers have stopped: the pod's
		// last grace period is over, so the object goes.
		zero := int64(0)
		err := k.client.CoreV1().Pods(namespace).Delete(ctx, name, metav1.DeleteOptions{
			GracePeriodSeconds: &zero, Preconditions: metav1.NewUIDPreconditions(string(pod.UID)),
		})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			return fmt.Errorf("delete %s: %w", key, err)
		}
		return nil
	case pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed:
		return nil
	}
	if st == nil {
		ip, err := k.allocate()
		if err != nil {
			return fmt.Errorf("address for %s: %w", key, err)
		}
		st = &podState{uid: pod.UID, ip: ip}
		k.running[key] = st
	}
	if st.crashing {
		return nil
	}
	if st.stop == nil {
		stop, err := k.run(pod.DeepCopy(), Sandbox{Netns: k.netns, IP: st.ip})
		if err != nil {
			runErr := err
			if err := k.writeStatus(ctx, namespace, name, st, func(pod *corev1.Pod) {
				for i := range pod.Status.ContainerStatuses {
					pod.Status.ContainerStatuses[i].State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "RunContainerError", Message: runErr.Error()}}
					pod.Status.ContainerStatuses[i].Ready = false
				}
				notReady(pod, "ContainersNotReady")
			}); err != nil {
				return err
			}
			return fmt.Errorf("run %s: %w", key, runErr)
		}
		st.stop = stop
	}
	if isReady(pod) && pod.Status.PodIP == st.ip.String() {
		return nil
	}
	return k.writeStatus(ctx, namespace, name, st, func(pod *corev1.Pod) {
		now := metav1.Now()
		for i := range pod.Status.ContainerStatuses {
			cs := &pod.Status.ContainerStatuses[i]
			cs.State = corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: now}}
			cs.Ready = true
			cs.Started = new(true)
		}
		for _, c := range []corev1.PodConditionType{corev1.PodReadyToStartContainers, corev1.PodInitialized, corev1.ContainersReady, corev1.PodReady} {
			setCondition(pod, c, corev1.ConditionTrue, "")
		}
	})
}

// writeStatus sets the status a running pod has (phase, addresses, one
// status per container and init container, conditions) on the newest copy
// of the pod, lets edit change it, and writes it to pods/status, retrying on
// a conflict.
func (k *Kubelet) writeStatus(ctx context.Context, namespace, name string, st *podState, edit func(*corev1.Pod)) error {
	pods := k.client.CoreV1().Pods(namespace)
	err := retry.RetryOnConflict(retry.DefaultBackoff, func() error {
		pod, err := pods.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if pod.UID != st.uid {
			return apierrors.NewNotFound(corev1.Resource("pods"), name)
		}
		s := &pod.Status
		s.Phase = corev1.PodRunning
		s.HostIP, s.HostIPs = k.nodeIP.String(), []corev1.HostIP{{IP: k.nodeIP.String()}}
		s.PodIP, s.PodIPs = st.ip.String(), []corev1.PodIP{{IP: st.ip.String()}}
		if s.StartTime == nil {
			now := metav1.Now()
			s.StartTime = &now
		}
		s.InitContainerStatuses = statuses(pod.Spec.InitContainers, s.InitContainerStatuses, pod.UID, true)
		s.ContainerStatuses = statuses(pod.Spec.Containers, s.ContainerStatuses, pod.UID, false)
		edit(pod)
		_, err = pods.UpdateStatus(ctx, pod, metav1.UpdateOptions{FieldManager: "kubetest-kubelet"})
		return err
	})
	if apierrors.IsNotFound(err) {
		return nil // deleted meanwhile; the informer will say so
	}
	if err != nil {
		return fmt.Errorf("write status of %s/%s: %w", namespace, name, err)
	}
	return nil
}

// statuses keeps each container's status where there is one (its restart
// count above all) and makes one for a container that has none: an init
// container has completed, a container is waiting to start.
func statuses(containers []corev1.Container, have []corev1.ContainerStatus, uid types.UID, init bool) []corev1.ContainerStatus {
	out := make([]corev1.ContainerStatus, 0, len(containers))
	for _, c := range containers {
		cs := corev1.ContainerStatus{
			Name:        c.Name,
			Image:       c.Image,
			ImageID:     "kubetest://" + c.Image,
			ContainerID: "kubetest://" + string(uid) + "/" + c.Name,
			State:       corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}},
			Started:     new(false),
		}
		for _, h := range have {
			if h.Name == c.Name {
				cs = h
			}
		}
		if init {
			cs.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed"}}
			cs.Ready = true
		}
		out = append(out, cs)
	}
	return out
}

func notReady(pod *corev1.Pod, reason string) {
	setCondition(pod, corev1.ContainersReady, corev1.ConditionFalse, reason)
	setCondition(pod, corev1.PodReady, corev1.ConditionFalse, reason)
}

func setCondition(pod *corev1.Pod, typ corev1.PodConditionType, status corev1.ConditionStatus, reason string) {
	for i := range pod.Status.Conditions {
		c := &pod.Status.Conditions[i]
		if c.Type == typ {
			if c.Status != status {
				c.LastTransitionTime = metav1.Now()
			}
			c.Status, c.Reason = status, reason
			return
		}
	}
	pod.Status.Conditions = append(pod.Status.Conditions, corev1.PodCondition{
		Type: typ, Status: status, Reason: reason, LastTransitionTime: metav1.Now(),
	})
}

func isReady(pod *corev1.Pod) bool {
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// bind plays the scheduler for a pod that asks for the default one: the
// pod goes to this node. A pod another kubelet bound first is left to it.
func (k *Kubelet) bind(ctx context.Context, pod *corev1.Pod) error {
	if pod.Spec.SchedulerName != "" && pod.Spec.SchedulerName != corev1.DefaultSchedulerName {
		return nil
	}
	err := k.client.CoreV1().Pods(pod.Namespace).Bind(ctx, &corev1.Binding{
		ObjectMeta: metav1.ObjectMeta{Name: pod.Name, UID: pod.UID},
		Target:     corev1.ObjectReference{Kind: "Node", Name: k.node},
	}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsConflict(err) && !apierrors.IsNotFound(err) {
		return fmt.Errorf("bind %s/%s to %s: %w", pod.Namespace, pod.Name, k.node, err)
	}
	return nil
}

// release stops a pod's process and frees its address.
func (k *Kubelet) release(key string, st *podState) {
	if st.stop != nil {
		st.stop()
		st.stop = nil
	}
	_ = k.removeAddress(st.ip)
	delete(k.used, st.ip)
	delete(k.running, key)
}

// allocate gives the next free address after the last one given, wrapping
// at the end of the range (as CNI's host-local IPAM does), so a deleted
// pod's address stays unused for a while and a test that still calls it
// fails instead of reaching the pod that replaced it.
func (k *Kubelet) allocate() (netip.Addr, error) {
	first, a := k.nodeIP.Next(), k.last
	for range 1 << (32 - k.cidr.Bits()) {
		a = a.Next()
		if !k.cidr.Contains(a.Next()) { // past the last host address: wrap
			a = first
		}
		if k.used[a] {
			continue
		}
		if err := k.addAddress(a); err != nil {
			return netip.Addr{}, err
		}
		k.used[a], k.last = true, a
		return a, nil
	}
	return netip.Addr{}, fmt.Errorf("pod range %s is full", k.cidr)
}

func (k *Kubelet) addAddress(a netip.Addr) error {
	out, err := exec.Command("ip", "-n", k.netns, "addr", "add", a.String()+"/32", "dev", "lo").CombinedOutput()
	if err != nil {
		return fmt.Errorf("add %s in %s: %v: %s", a, k.netns, err, out)
	}
	return nil
}

func (k *Kubelet) removeAddress(a netip.Addr) error {
	out, err := exec.Command("ip", "-n", k.netns, "addr", "del", a.String()+"/32", "dev", "lo").CombinedOutput()
	if err != nil {
		return fmt.Errorf("remove %s in %s: %v: %s", a, k.netns, err, out)
	}
	return nil
}

// register creates the Node (or takes over one of that name) and reports
// it Ready with room for 110 pods.
func (k *Kubelet) register(ctx context.Context) error {
	nodes := k.client.CoreV1().Nodes()
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: k.node, Labels: map[string]string{
			corev1.LabelHostname: k.node, corev1.LabelOSStable: "linux", corev1.LabelArchStable: "amd64",
		}},
		Spec: corev1.NodeSpec{PodCIDR: k.cidr.String(), PodCIDRs: []string{k.cidr.String()}},
	}
	if _, err := nodes.Create(ctx, node, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	return retry.RetryOnConflict(retry.DefaultBackoff, func() error {
		node, err := nodes.Get(ctx, k.node, metav1.GetOptions{})
		if err != nil {
			return err
		}
		room := corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse("8"),
			corev1.ResourceMemory: resource.MustParse("32Gi"),
			corev1.ResourcePods:   resource.MustParse("110"),
		}
		now := metav1.Now()
		condition := func(typ corev1.NodeConditionType, status corev1.ConditionStatus, reason string) corev1.NodeCondition {
			return corev1.NodeCondition{Type: typ, Status: status, Reason: reason, LastHeartbeatTime: now, LastTransitionTime: now}
		}
		node.Status = corev1.NodeStatus{
			Capacity:    room,
			Allocatable: room,
			Phase:       corev1.NodeRunning,
			Conditions: []corev1.NodeCondition{
				condition(corev1.NodeReady, corev1.ConditionTrue, "KubeletReady"),
				condition(corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory"),
				condition(corev1.NodeDiskPressure, corev1.ConditionFalse, "KubeletHasNoDiskPressure"),
				condition(corev1.NodePIDPressure, corev1.ConditionFalse, "KubeletHasSufficientPID"),
			},
			Addresses: []corev1.NodeAddress{
				{Type: corev1.NodeInternalIP, Address: k.nodeIP.String()},
				{Type: corev1.NodeHostName, Address: k.node},
			},
			NodeInfo: corev1.NodeSystemInfo{
				KubeletVersion: "kubetest", OperatingSystem: "linux", Architecture: "amd64",
				ContainerRuntimeVersion: "kubetest://1",
			},
		}
		_, err = nodes.UpdateStatus(ctx, node, metav1.UpdateOptions{})
		return err
	})
}

// heartbeat renews the Node's Lease every ten seconds, as a kubelet does,
// so the node lifecycle controller never marks the Node unreachable and
// evicts its pods during a long test.
func (k *Kubelet) heartbeat(ctx context.Context) {
	leases := k.client.CoordinationV1().Leases(corev1.NamespaceNodeLease)
	duration := int32(40)
	wait.UntilWithContext(ctx, func(ctx context.Context) {
		now := metav1.NewMicroTime(time.Now())
		lease, err := leases.Get(ctx, k.node, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			lease = &coordinationv1.Lease{
				ObjectMeta: metav1.ObjectMeta{Name: k.node, Namespace: corev1.NamespaceNodeLease},
				Spec:       coordinationv1.LeaseSpec{HolderIdentity: &k.node, LeaseDurationSeconds: &duration, RenewTime: &now},
			}
			_, _ = leases.Create(ctx, lease, metav1.CreateOptions{})
			return
		}
		if err != nil {
			return
		}
		lease.Spec.RenewTime = &now
		_, _ = leases.Update(ctx, lease, metav1.UpdateOptions{})
	}, 10*time.Second)
}

// ServeHTTP is the default RunFunc: an HTTP server, in the test's own
// process, listening on the pod's address in its namespace on every TCP
// container port the pod declares (port 80 when it declares none), that
// answers every request with the pod's name and a newline. Stopping it
// closes its listeners and connections, so a client sees the pod go.
func ServeHTTP(pod *corev1.Pod, sandbox Sandbox) (stop func(), err error) {
	var ports []int32
	for _, c := range pod.Spec.Containers {
		for _, p := range c.Ports {
			if p.Protocol == "" || p.Protocol == corev1.ProtocolTCP {
				ports = append(ports, p.ContainerPort)
			}
		}
	}
	if len(ports) == 0 {
		ports = []int32{80}
	}
	name := pod.Name
	handler := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(name + "\n"))
	})
	var servers []*http.Server
	stop = func() {
		for _, s := range servers {
			_ = s.Close()
		}
	}
	for _, port := range ports {
		l, err := ListenIn(sandbox.Netns, net.JoinHostPort(sandbox.IP.String(), strconv.Itoa(int(port))))
		if err != nil {
			stop()
			return nil, fmt.Errorf("listen for %s: %w", name, err)
		}
		s := &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second}
		servers = append(servers, s)
		go func() {
			if err := s.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				_ = l.Close()
			}
		}()
	}
	return stop, nil
}
