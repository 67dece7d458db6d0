package kube_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"weft.dev/agent/kube"
	"weft.dev/agent/kube/kubetest"
	"weft.dev/events/clusterstate"
	"weft.dev/kernel/wait"
)

// discard is a RouteApplier that keeps nothing (the proxy's own cost is
// measured in agent/proxy).
type discard struct{}

func (discard) UpsertRoute(clusterstate.Route) error { return nil }
func (discard) DeleteRoute(string) error             { return nil }
func (discard) RouteIDs() []string                   { return nil }

func quantile(d []time.Duration, q float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// mkService makes a Service of its own (not weft's) with an EndpointSlice
// of n ready endpoints that the benchmark manages itself.
func mkService(ctx context.Context, b *testing.B, c kubernetes.Interface, ns, name string, n int, base int) {
	if _, err := c.CoreV1().Services(ns).Create(ctx, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromInt(8080)}}}}, metav1.CreateOptions{}); err != nil {
		b.Fatal(err)
	}
	if _, err := c.DiscoveryV1().EndpointSlices(ns).Create(ctx, sliceOf(ns, name, n, base), metav1.CreateOptions{}); err != nil {
		b.Fatal(err)
	}
}

func sliceOf(ns, name string, n, base int) *discoveryv1.EndpointSlice {
	port, pname := int32(8080), "http"
	s := &discoveryv1.EndpointSlice{ObjectMeta: metav1.ObjectMeta{Name: name + "-bench", Namespace: ns,
		Labels: map[string]string{discoveryv1.LabelServiceName: name, discoveryv1.LabelManagedBy: "bench"}},
		AddressType: discoveryv1.AddressTypeIPv4, Ports: []discoveryv1.EndpointPort{{Name: &pname, Port: &port}}}
	for i := range n {
		a := base + i
		s.Endpoints = append(s.Endpoints, discoveryv1.Endpoint{Addresses: []string{fmt.Sprintf("10.%d.%d.%d", a>>16&255, a>>8&255, a&255)},
			Conditions: discoveryv1.EndpointConditions{Ready: new(true)}})
	}
	return s
}

// BenchmarkEndpointChangeToProxyBackend: an EndpointSlice changes (one
// endpoint replaced by a new address) 1,000 times; weft's figure is the
// time from the update's request to the route being handed to the proxy
// with the new address, the baseline the time to the same change reaching
// a raw informer's handler on EndpointSlices in the same process.
func BenchmarkEndpointChangeToProxyBackend(b *testing.B) {
	cp := kubetest.Start(b)
	ctx := b.Context()
	c := cp.Client
	ctl, err := kube.New(kube.Config{Client: c, Cluster: "c"})
	if err != nil {
		b.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { _ = ctl.Run(rctx) }()
	ctl.Synced()
	if !ctl.WaitForCacheSync(rctx) {
		b.Fatal("no sync")
	}
	if _, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "bench"}}, metav1.CreateOptions{}); err != nil {
		b.Fatal(err)
	}
	mkService(ctx, b, c, "bench", "api", 3, 1)

	var mu sync.Mutex
	seenRaw, seenWeft := map[string]time.Time{}, map[string]time.Time{}
	raw := informers.NewSharedInformerFactory(c, 0)
	if _, err := raw.Discovery().V1().EndpointSlices().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		UpdateFunc: func(_, o any) {
			now := time.Now()
			s := o.(*discoveryv1.EndpointSlice)
			mu.Lock()
			for _, e := range s.Endpoints {
				if _, ok := seenRaw[e.Addresses[0]]; !ok {
					seenRaw[e.Addresses[0]] = now
				}
			}
			mu.Unlock()
		},
	}); err != nil {
		b.Fatal(err)
	}
	raw.Start(rctx.Done())
	raw.WaitForCacheSync(rctx.Done())
	defer func() { cancel(); raw.Shutdown() }() // Shutdown waits for the informers to stop

	routes := kube.NewRoutes(ctl, discard{})
	routes.OnApply(func(rt clusterstate.Route) {
		now := time.Now()
		mu.Lock()
		for _, bk := range rt.Backends {
			host := strings.Split(bk, ":")[0]
			if _, ok := seenWeft[host]; !ok {
				seenWeft[host] = now
			}
		}
		mu.Unlock()
	})
	if err := routes.UpsertRoute(clusterstate.Route{ID: "a1", Name: "api", ServiceIP: "100.80.0.1", Ports: []clusterstate.Port{{Port: 80, Protocol: "tcp"}},
		Endpoints: &clusterstate.EndpointSource{Namespace: "bench", Service: "api"}}); err != nil {
		b.Fatal(err)
	}
	n := 1000
	if v, _ := strconv.Atoi(os.Getenv("WEFT_BENCH_CHANGES")); v > 0 {
		n = v
	}
	var weft, base []time.Duration
	b.ResetTimer()
	for range b.N {
		for i := range n {
			s := sliceOf("bench", "api", 3, 1000+i) // a new address each time
			cur, err := c.DiscoveryV1().EndpointSlices("bench").Get(ctx, "api-bench", metav1.GetOptions{})
			if err != nil {
				b.Fatal(err)
			}
			s.ResourceVersion = cur.ResourceVersion
			s.Endpoints = append(cur.Endpoints[1:], s.Endpoints[2])
			addr := s.Endpoints[2].Addresses[0]
			// From the write: a watch event often arrives before the
			// write's own answer.
			t0 := time.Now()
			if _, err := c.DiscoveryV1().EndpointSlices("bench").Update(ctx, s, metav1.UpdateOptions{}); err != nil {
				b.Fatal(err)
			}
			deadline := t0.Add(10 * time.Second)
			for {
				mu.Lock()
				tr, okr := seenRaw[addr]
				tw, okw := seenWeft[addr]
				mu.Unlock()
				if okr && okw {
					base, weft = append(base, max(tr.Sub(t0), 0)), append(weft, max(tw.Sub(t0), 0))
					break
				}
				if time.Now().After(deadline) {
					b.Fatalf("change %d (%s) not seen: raw %v weft %v", i, addr, okr, okw)
				}
				runtime.Gosched()
				time.Sleep(50 * time.Microsecond)
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(ms(quantile(weft, 0.5)), "weft-p50-ms")
	b.ReportMetric(ms(quantile(weft, 0.99)), "weft-p99-ms")
	b.ReportMetric(ms(quantile(base, 0.5)), "raw-p50-ms")
	b.ReportMetric(ms(quantile(base, 0.99)), "raw-p99-ms")
}

// BenchmarkAppCreatedToDeployment: 100 workload entries handed to the
// controller at once (as the agent gets them from its stream); the figure
// is the time until each Deployment is in the API server (seen by a
// watch), p50 and p99; the baseline applies the same 100 Deployments
// directly with four workers (the controller's count) and measures the
// same way.
func BenchmarkAppCreatedToDeployment(b *testing.B) {
	cp := kubetest.Start(b)
	ctx := b.Context()
	c := cp.Client
	// The controller's client as the agent makes it (its rate included),
	// timing its requests: where the time goes.
	cfg := cp.AdminConfig()
	timed := &timing{took: map[string][]time.Duration{}}
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { timed.rt = rt; return timed })
	agentClient, err := kube.NewClient(cfg)
	if err != nil {
		b.Fatal(err)
	}
	workers, _ := strconv.Atoi(os.Getenv("WEFT_BENCH_WORKERS"))
	ctl, err := kube.New(kube.Config{Client: agentClient, Cluster: "c", Workers: workers})
	if err != nil {
		b.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { _ = ctl.Run(rctx) }()
	if _, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "raw"}}, metav1.CreateOptions{}); err != nil {
		b.Fatal(err)
	}
	var mu sync.Mutex
	seen, seenSvc := map[string]time.Time{}, map[string]time.Time{}
	w := informers.NewSharedInformerFactory(c, 0)
	if _, err := w.Apps().V1().Deployments().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: func(o any) {
		d := o.(*appsv1.Deployment)
		mu.Lock()
		seen[d.Namespace+"/"+d.Name] = time.Now()
		mu.Unlock()
	}}); err != nil {
		b.Fatal(err)
	}
	if _, err := w.Core().V1().Services().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: func(o any) {
		s := o.(*corev1.Service)
		mu.Lock()
		seenSvc[s.Namespace+"/"+s.Name] = time.Now()
		mu.Unlock()
	}}); err != nil {
		b.Fatal(err)
	}
	w.Start(rctx.Done())
	w.WaitForCacheSync(rctx.Done())
	defer func() { cancel(); w.Shutdown() }() // Shutdown waits for the informers to stop
	const apps = 100
	waitIn := func(seen map[string]time.Time, ns string, t0 time.Time) []time.Duration {
		var out []time.Duration
		wait.ForEvery(b, 2*time.Minute, 5*time.Millisecond, func() error {
			mu.Lock()
			defer mu.Unlock()
			out = out[:0]
			for i := range apps {
				if t, ok := seen[fmt.Sprintf("%s/app%d", ns, i)]; ok {
					out = append(out, t.Sub(t0))
				}
			}
			if len(out) < apps {
				return fmt.Errorf("%d of %d deployments in %s", len(out), apps, ns)
			}
			return nil
		})
		return out
	}
	arrived := func(ns string, t0 time.Time) []time.Duration { return waitIn(seen, ns, t0) }
	var weft, base, weftSvc []time.Duration
	for round := range b.N {
		ns := fmt.Sprintf("prod%d", round)
		set := func(kind, id string, v []byte) {
			if err := ctl.SetEntry(kind, id, v); err != nil {
				b.Fatal(err)
			}
		}
		nsEntry := envEntry("env-"+ns, ns)
		set(clusterstate.KindNamespace, nsEntry.ID, mustJSON(b, nsEntry))
		ctl.Synced()
		// The namespace first, as it would already be there when apps come.
		for {
			if _, err := c.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); err == nil {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		t0 := time.Now()
		for i := range apps {
			wl := workloadEntry(fmt.Sprintf("%s-a%d", ns, i), fmt.Sprintf("app%d", i), ns, 1, "ghcr.io/acme/x:1", 1)
			wl.Labels[clusterstate.LabelEnvID] = "env-" + ns
			set(clusterstate.KindWorkload, wl.ID, mustJSON(b, wl))
		}
		weft = append(weft, arrived(ns, t0)...)
		weftSvc = append(weftSvc, waitIn(seenSvc, ns, t0)...)

		// Baseline: the same objects, applied directly.
		t0 = time.Now()
		jobs := make(chan int)
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for i := range jobs {
					d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("app%d", i), Namespace: "raw"},
						Spec: appsv1.DeploymentSpec{Replicas: new(int32(1)), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"a": strconv.Itoa(i)}},
							Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"a": strconv.Itoa(i)}},
								Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "x", Image: "ghcr.io/acme/x:1"}}}}}}
					if _, err := c.AppsV1().Deployments("raw").Create(ctx, d, metav1.CreateOptions{}); err != nil {
						b.Error(err)
					}
					if _, err := c.CoreV1().Services("raw").Create(ctx, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: d.Name, Namespace: "raw"},
						Spec: corev1.ServiceSpec{Selector: d.Spec.Selector.MatchLabels, Ports: []corev1.ServicePort{{Port: 80}}}}, metav1.CreateOptions{}); err != nil {
						b.Error(err)
					}
				}
			})
		}
		for i := range apps {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		base = append(base, arrived("raw", t0)...)
		if err := c.AppsV1().Deployments("raw").DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}); err != nil {
			b.Fatal(err)
		}
		svcs, _ := c.CoreV1().Services("raw").List(ctx, metav1.ListOptions{})
		for _, s := range svcs.Items {
			_ = c.CoreV1().Services("raw").Delete(ctx, s.Name, metav1.DeleteOptions{})
		}
		mu.Lock()
		for k := range seen {
			if strings.HasPrefix(k, "raw/") {
				delete(seen, k)
			}
		}
		mu.Unlock()
	}
	b.ReportMetric(ms(quantile(weft, 0.5)), "weft-p50-ms")
	b.ReportMetric(ms(quantile(weft, 0.99)), "weft-p99-ms")
	b.ReportMetric(ms(quantile(base, 0.5)), "raw-p50-ms")
	b.ReportMetric(ms(quantile(base, 0.99)), "raw-p99-ms")
	b.ReportMetric(ms(quantile(weftSvc, 0.99)), "weft-service-p99-ms")
	timed.report(b)
}

// timing records how long a client's requests take, by method and
// resource, and reports each kind's count and p50 (to see where the time
// goes).
type timing struct {
	mu   sync.Mutex
	took map[string][]time.Duration
	rt   http.RoundTripper
}

func (t *timing) RoundTrip(r *http.Request) (*http.Response, error) {
	t0 := time.Now()
	resp, err := t.rt.RoundTrip(r)
	if r.URL.Query().Get("watch") != "" {
		return resp, err
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	key := r.Method + "-" + parts[len(parts)-1]
	for i, p := range parts {
		if p == "namespaces" && i+2 < len(parts) {
			key = r.Method + "-" + parts[i+2]
		}
	}
	t.mu.Lock()
	t.took[key] = append(t.took[key], time.Since(t0))
	t.mu.Unlock()
	return resp, err
}

func (t *timing) report(b *testing.B) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for k, d := range t.took {
		if strings.HasPrefix(k, "PATCH") || strings.HasPrefix(k, "GET-deployments") || strings.HasPrefix(k, "GET-services") {
			b.ReportMetric(float64(len(d))/float64(b.N), strings.ToLower(k)+"-n")
			b.ReportMetric(ms(quantile(d, 0.5)), strings.ToLower(k)+"-p50-ms")
		}
	}
}

func mustJSON(b *testing.B, v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkAgentMemoryWatching1000Services: the controller's caches and
// 1,000 routes following 1,000 Services with 10 endpoints each (10,000
// endpoints); the figure is the Go heap in use after GC and the process's
// RSS growth over the same process before the controller started (the
// baseline: a raw informer on the same Services and EndpointSlices, which
// is what any client watching them holds).
func BenchmarkAgentMemoryWatching1000Services(b *testing.B) {
	cp := kubetest.Start(b)
	ctx := b.Context()
	c := cp.Client
	if _, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "many"}}, metav1.CreateOptions{}); err != nil {
		b.Fatal(err)
	}
	services := 1000
	if v, _ := strconv.Atoi(os.Getenv("WEFT_BENCH_SERVICES")); v > 0 {
		services = v
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range jobs {
				mkService(ctx, b, c, "many", fmt.Sprintf("s%d", i), 10, 10*i+1)
			}
		})
	}
	for i := range services {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	for range b.N {
		// Baseline: plain informers on every Service and EndpointSlice.
		h0, r0 := heap(), rss(b)
		rctx, cancel := context.WithCancel(ctx)
		raw := informers.NewSharedInformerFactory(c, 0)
		raw.Core().V1().Services().Informer()
		raw.Discovery().V1().EndpointSlices().Informer()
		raw.Start(rctx.Done())
		raw.WaitForCacheSync(rctx.Done())
		h1, r1 := heap(), rss(b)
		cancel()
		raw.Shutdown()
		runtime.KeepAlive(raw)

		h2, r2 := heap(), rss(b)
		kctx, kcancel := context.WithCancel(ctx)
		ctl, err := kube.New(kube.Config{Client: c, Cluster: "c"})
		if err != nil {
			b.Fatal(err)
		}
		go func() { _ = ctl.Run(kctx) }()
		ctl.Synced()
		ctl.WaitForCacheSync(kctx)
		routes := kube.NewRoutes(ctl, discard{})
		for i := range services {
			if err := routes.UpsertRoute(clusterstate.Route{ID: fmt.Sprintf("a%d", i), Name: fmt.Sprintf("s%d", i), ServiceIP: "100.80.0.1",
				Ports: []clusterstate.Port{{Port: 80, Protocol: "tcp"}}, Endpoints: &clusterstate.EndpointSource{Namespace: "many", Service: fmt.Sprintf("s%d", i)}}); err != nil {
				b.Fatal(err)
			}
		}
		if got := len(routes.Backends("a7")); got != 10 {
			b.Fatalf("route a7 has %d backends, want 10", got)
		}
		h3, r3 := heap(), rss(b)
		runtime.KeepAlive(routes)
		kcancel()
		b.ReportMetric(float64(h3-min(h3, h2))/(1<<20), "weft-heap-MiB")
		b.ReportMetric(float64(h1-min(h1, h0))/(1<<20), "raw-heap-MiB")
		b.ReportMetric(float64(r3)/(1<<20), "weft-rss-MiB")
		b.ReportMetric(float64(r1-min(r1, r0))/(1<<20), "raw-rss-growth-MiB")
		b.ReportMetric(float64(r3-min(r3, r2))/(1<<20), "weft-rss-growth-MiB")
	}
}

// rss is this process's resident memory.
func rss(b *testing.B) uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseUint(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}
