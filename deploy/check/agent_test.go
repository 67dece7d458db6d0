package check

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"weft.dev/kernel/wait"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	appsv1 "k8s.io/api/apps/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"

	"weft.dev/agent/kube/kubetest"
	"weft.dev/events/clusterstate"
	"weft.dev/events/clusterstate/streams"
	"weft.dev/events/jsguard"
)

// The agent overlay starts weft-agent without enrolment, as a hub on
// external NATS needs: with its Secret's credentials.json (written as
// deploy/README.md says) in the state directory and an nsc-style .creds
// file limited to its cluster, the agent built from this tree, run with the
// overlay's own arguments (paths and ports moved to a temporary directory
// and loopback; no WireGuard interface or proxy, which need the host), reads
// its stream from an operator-mode NATS, converges and answers /healthz.
// Its --kubernetes runs against a real API server as the overlay's
// ServiceAccount with the overlay's RBAC (applied for real): that is
// enough to make an environment's namespace and an app's Deployment and
// Service, and binds no roles and reads no Nodes.
func TestTheAgentOverlayStartsTheAgentFromItsSecretWithoutEnrolment(t *testing.T) {
	if testing.Short() {
		t.Skip("builds weft-agent")
	}
	// Built before any clock starts: on a loaded machine the link alone
	// took most of the 30 s the agent is given to come up.
	exe := filepath.Join(t.TempDir(), "weft-agent")
	if out, err := exec.Command("go", "build", "-o", exe, "weft.dev/agent/cmd/weft-agent").CombinedOutput(); err != nil {
		t.Fatalf("build weft-agent: %v\n%s", err, out)
	}
	docs, err := Render(filepath.Join("..", "kubernetes", "agent"))
	if err != nil {
		t.Fatal(err)
	}
	var args []string
	for _, d := range docs {
		var dep appsv1.Deployment
		if yaml.Unmarshal(d, &dep) == nil && dep.Kind == "Deployment" && dep.Name == "weft-agent" {
			args = dep.Spec.Template.Spec.Containers[0].Args
		}
	}
	if len(args) == 0 {
		t.Fatal("the agent overlay has no weft-agent Deployment with arguments")
	}

	// The cluster: the overlay's ServiceAccount, ClusterRole and binding,
	// applied as an operator would.
	cp := kubetest.Start(t)
	for _, d := range docs {
		var head metav1.TypeMeta
		if yaml.Unmarshal(d, &head) != nil {
			continue
		}
		switch head.Kind {
		case "Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding":
			cp.Apply(t, d)
		}
	}
	saConfig := cp.ServiceAccountConfig(t, "weft-agent", "weft-agent")
	kubeconfig := cp.Kubeconfig(t, saConfig)

	dir := t.TempDir()
	weft, resolver := operatorResolver(t)
	port, httpPort, dnsPort := freePorts(t, 1)[0], freePorts(t, 1)[0], freePorts(t, 1)[0]
	conf := fmt.Sprintf("listen: 127.0.0.1:%d\njetstream { store_dir: %q }\ninclude resolver.conf\n", port, filepath.Join(dir, "js"))
	for name, text := range map[string]string{"nats.conf": conf, "resolver.conf": resolver} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	opts, err := server.ProcessConfigFile(filepath.Join(dir, "nats.conf"))
	if err != nil {
		t.Fatal(err)
	}
	opts.NoLog, opts.NoSigs = true, true
	ns, err := server.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	t.Cleanup(ns.Shutdown)
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("NATS did not start")
	}
	url := fmt.Sprintf("nats://127.0.0.1:%d", port)

	// weft's services made the cluster's stream.
	const cluster = "c1"
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	wu, ws := user(t, weft, nil, nil)
	nc, err := nats.Connect(url, nats.UserJWTAndSeed(wu, ws))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []jetstream.StreamConfig{streams.Cluster(cluster, 1), streams.Team("t1", 1)} {
		if _, err := js.CreateStream(ctx, cfg); err != nil {
			t.Fatal(err)
		}
	}
	self, _ := json.Marshal(clusterstate.Self{ClusterID: cluster, ClusterName: "eu-1", Team: "t1", Address: "100.64.0.1/32",
		ServiceRange: "100.96.0.0/24", MeshRoutes: []string{"100.64.0.0/16"}, Zone: "weft.internal"})
	msg := nats.NewMsg(clusterstate.Subject("t1", cluster, clusterstate.KindSelf, ""))
	msg.Header.Set(clusterstate.HeaderEventsSeq, "7")
	msg.Data = self
	if _, err := js.PublishMsg(ctx, msg); err != nil {
		t.Fatal(err)
	}
	// An environment homed here and an app of it with a container spec.
	l := map[string]string{clusterstate.LabelManagedBy: clusterstate.ManagedBy, clusterstate.LabelTeam: "t1", clusterstate.LabelEnv: "prod",
		clusterstate.LabelEnvID: "e1", clusterstate.LabelRole: clusterstate.RoleEnv}
	wl := map[string]string{clusterstate.LabelManagedBy: clusterstate.ManagedBy, clusterstate.LabelTeam: "t1", clusterstate.LabelEnv: "prod",
		clusterstate.LabelEnvID: "e1", clusterstate.LabelRole: clusterstate.RoleWorkload, clusterstate.LabelApp: "api", clusterstate.LabelAppID: "a1"}
	for _, e := range []struct {
		kind, id string
		v        any
	}{
		{clusterstate.KindNamespace, "e1", clusterstate.Namespace{ID: "e1", Name: "prod", Env: "prod", Team: "t1", Labels: l}},
		{clusterstate.KindWorkload, "a1", clusterstate.Workload{ID: "a1", Name: "api", Namespace: "prod", Env: "prod", Generation: 7, Labels: wl, Replicas: 1,
			Container: clusterstate.Container{Image: "ghcr.io/acme/api:1", Ports: []clusterstate.ContainerPort{{Name: "tcp-80", ContainerPort: 8080, Protocol: "tcp"}}},
			Ports:     []clusterstate.ServicePort{{Name: "tcp-80", Port: 80, Protocol: "tcp", TargetPort: 8080}}}},
	} {
		m := nats.NewMsg(clusterstate.Subject("t1", cluster, e.kind, e.id))
		m.Header.Set(clusterstate.HeaderEventsSeq, "7")
		m.Data, _ = json.Marshal(e.v)
		if _, err := js.PublishMsg(ctx, m); err != nil {
			t.Fatal(err)
		}
	}

	// weft-server's guard, on the services' connection, is the agent's
	// JetStream API.
	guard := &jsguard.Agents{TeamOf: func(c string) (string, bool) { return "t1", c == cluster }, Log: slog.New(slog.DiscardHandler)}
	gsub, err := guard.Serve(nc)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = gsub.Unsubscribe() }()
	// The Secret's two files, as deploy/README.md has the operator write them.
	pubAllow, subAllow := clusterstate.AgentPermissions(cluster)
	au, as := user(t, weft, pubAllow, subAllow)
	creds := fmt.Sprintf("-----BEGIN NATS USER JWT-----\n%s\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n%s\n------END USER NKEY SEED------\n", au, as)
	state := filepath.Join(dir, "state")
	credentials := fmt.Sprintf(`{"cluster": %q, "team": "t1", "natsUrl": %q, "stream": %q, "inboxPrefix": %q}`,
		cluster, url, clusterstate.StreamName(cluster), clusterstate.InboxPrefix(cluster))
	if err := os.MkdirAll(state, 0o700); err != nil {
		t.Fatal(err)
	}
	for p, text := range map[string]string{filepath.Join(dir, "nats.creds"): creds, filepath.Join(state, "credentials.json"): credentials} {
		if err := os.WriteFile(p, []byte(text), 0o400); err != nil {
			t.Fatal(err)
		}
	}

	var run []string
	for _, a := range args {
		name, _, _ := strings.Cut(a, "=")
		switch name {
		case "--interface", "--proxy":
			continue // need the node: a TUN device and local service IPs
		case "--kubernetes":
			run = append(run, "--kubeconfig="+kubeconfig) // the pod's token, outside a pod
		case "--cluster":
			a = "--cluster=" + cluster
		case "--endpoint":
			a = "--endpoint=127.0.0.1:51820"
		case "--state-dir":
			a = "--state-dir=" + state
		case "--nats-creds":
			a = "--nats-creds=" + filepath.Join(dir, "nats.creds")
		case "--dns":
			a = fmt.Sprintf("--dns=127.0.0.1:%d", dnsPort)
		case "--http":
			a = fmt.Sprintf("--http=127.0.0.1:%d", httpPort)
		}
		if strings.Contains(a, "$(") {
			t.Fatalf("argument %q reads a variable this test does not set", a)
		}
		run = append(run, a)
	}
	var log strings.Builder
	cmd := exec.Command(exe, run...)
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	health := fmt.Sprintf("http://127.0.0.1:%d/healthz", httpPort)
	for {
		resp, err := http.Get(health)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if ctx.Err() != nil {
			t.Fatalf("weft-agent %s never answered /healthz 200 (last: %v)\n%s", strings.Join(run, " "), err, log.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/status", httpPort))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st struct {
		Applied uint64 `json:"applied"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil || st.Applied != 7 {
		t.Errorf("/status: applied %d (%v), want 7 from the stream", st.Applied, err)
	}
	// The controller did its work as the ServiceAccount, and no more.
	wait.For(t, time.Minute, func() error {
		d, err := cp.Client.AppsV1().Deployments("prod").Get(t.Context(), "api", metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("deployment prod/api: %v\n%s", err, log.String())
		}
		if _, err := cp.Client.CoreV1().Services("prod").Get(t.Context(), "api", metav1.GetOptions{}); err != nil {
			return fmt.Errorf("service prod/api: %v", err)
		}
		for _, m := range d.ManagedFields {
			if m.Manager == clusterstate.FieldManager {
				return nil
			}
		}
		return fmt.Errorf("deployment prod/api not applied by %s", clusterstate.FieldManager)
	})
	sa, err := kubernetes.NewForConfig(saConfig)
	if err != nil {
		t.Fatal(err)
	}
	// The agent applies environments' secrets as Secrets, but only in the
	// namespaces it makes, by a binding it makes there
	// (agent/kube.TestTheAgentReachesSecretsOnlyInWeftsNamespacesByItsOwnBinding):
	// the overlay gives it no Secret of the cluster, no Nodes, and no
	// binding of its choice.
	if _, err := sa.CoreV1().Secrets("").List(t.Context(), metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("the agent's ServiceAccount lists Secrets cluster-wide (%v), want forbidden", err)
	}
	if _, err := sa.CoreV1().Nodes().List(t.Context(), metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("the agent's ServiceAccount lists Nodes (%v), want forbidden", err)
	}
	if _, err := sa.RbacV1().ClusterRoleBindings().Create(t.Context(), &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "x"},
		RoleRef: rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "cluster-admin"}}, metav1.CreateOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("the agent's ServiceAccount binds roles (%v), want forbidden", err)
	}
	if strings.Contains(log.String(), "enrolled") {
		t.Errorf("the agent enrolled, but the overlay gives it no secret:\n%s", log.String())
	}
}
