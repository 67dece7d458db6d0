package kubetest

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// ControlPlane is a running etcd, kube-apiserver and kube-controller-manager,
// started by Start and stopped when the test that started it ends.
type ControlPlane struct {
	// Client is a clientset authenticated as the administrator.
	Client kubernetes.Interface
	// Dir holds the control plane's certificates, keys, kubeconfigs, etcd
	// data and one log file per process (etcd.log, kube-apiserver.log,
	// kube-controller-manager.log). It is removed when the test ends; the
	// logs' tails are printed first if the test failed.
	Dir string

	admin *rest.Config
	ca    *authority
	procs []*process
	netns string
}

// An Option changes how Start configures the control plane.
type Option func(*options)

type options struct {
	serviceCIDR string
	apiserver   []string
	controllers []string
	startWithin time.Duration
	netns       string
	ports       func(n int) ([]int, error) // freePorts; a test's own picks
}

// ServiceCIDR sets the range the API server allocates Service cluster IPs
// from (--service-cluster-ip-range); 10.96.0.0/16 when not set. Two control
// planes in one test (two clusters) can share it, as two real clusters do.
func ServiceCIDR(cidr string) Option { return func(o *options) { o.serviceCIDR = cidr } }

// APIServerArgs appends flags to kube-apiserver's command line (a later flag
// wins over the harness's own).
func APIServerArgs(args ...string) Option {
	return func(o *options) { o.apiserver = append(o.apiserver, args...) }
}

// ControllerManagerArgs appends flags to kube-controller-manager's command
// line.
func ControllerManagerArgs(args ...string) Option {
	return func(o *options) { o.controllers = append(o.controllers, args...) }
}

// Netns runs the three processes inside the network namespace ns (an `ip
// netns` name; its loopback interface is brought up), listening on its
// 127.0.0.1, as a cluster of its own: a process the test starts in ns (the
// e2e scenario's agent) reaches the API server at the address its
// Kubeconfig names, and two clusters in two namespaces cannot see each
// other. The configurations the ControlPlane returns dial from inside ns, so
// the test itself still reaches the API server from the host's namespace.
func Netns(ns string) Option { return func(o *options) { o.netns = ns } }

// StartWithin bounds how long the three processes may take to become ready
// together (default two minutes: a loaded two-core machine needs ~15 s).
func StartWithin(d time.Duration) Option { return func(o *options) { o.startWithin = d } }

// Start runs a control plane for t: etcd, then kube-apiserver (secure port
// on a free 127.0.0.1 port, RBAC, a static token for the administrator, the
// harness's CA for client certificates, generated service-account signing
// keys), then kube-controller-manager (every default controller, each with its
// own service account's credentials, as kubeadm runs it). It returns once all
// three answer their health checks; t.Cleanup stops them (controller-manager,
// API server, etcd) and removes their files.
//
// Without the binaries (see BinDir) the test is skipped, or fails when the
// environment variable CI is set.
func Start(t testing.TB, opts ...Option) *ControlPlane {
	t.Helper()
	o := options{serviceCIDR: "10.96.0.0/16", startWithin: 2 * time.Minute, ports: freePorts}
	for _, opt := range opts {
		opt(&o)
	}
	bin, err := BinDir()
	if err != nil {
		cannotRun(t, "the Kubernetes control plane cannot start: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.startWithin)
	defer cancel()
	for attempt := 1; ; attempt++ {
		c := &ControlPlane{Dir: t.TempDir(), netns: o.netns}
		err := c.start(ctx, bin, o)
		if errors.Is(err, errPortTaken) && attempt < portAttempts {
			// Another process took a port between freePorts and the bind:
			// start again on new ones.
			t.Logf("the Kubernetes control plane's start, attempt %d: %v", attempt, err)
			c.halt()
			continue
		}
		t.Cleanup(func() { c.stop(t) })
		if err != nil {
			t.Fatalf("start the Kubernetes control plane: %v", err)
		}
		return c
	}
}

// portAttempts is how many times Start tries when a port it picked was
// taken before the control plane bound it.
const portAttempts = 3

// errPortTaken is a process that exited because its address was in use.
var errPortTaken = errors.New("a port it was given was taken")

// halt ends the processes of a start that failed, quietly: their logs were
// in the error.
func (c *ControlPlane) halt() {
	for _, p := range c.procs {
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	c.procs = nil
}

func (c *ControlPlane) start(ctx context.Context, bin string, o options) error {
	ca, err := newAuthority()
	if err != nil {
		return err
	}
	c.ca = ca
	caFile := filepath.Join(c.Dir, "ca.crt")
	if err := os.WriteFile(caFile, ca.certPEM, 0o600); err != nil {
		return err
	}
	servingCert, servingKey, err := ca.issue("kube-apiserver", nil, []net.IP{net.IPv4(127, 0, 0, 1)}, true)
	if err != nil {
		return err
	}
	certFile, keyFile := filepath.Join(c.Dir, "apiserver.crt"), filepath.Join(c.Dir, "apiserver.key")
	if err := os.WriteFile(certFile, servingCert, 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(keyFile, servingKey, 0o600); err != nil {
		return err
	}
	saKey, saPub, err := serviceAccountKeys(c.Dir)
	if err != nil {
		return err
	}
	adminToken := randomToken()
	tokenFile := filepath.Join(c.Dir, "tokens.csv")
	// token,user,uid,"group1,group2": the administrator is in system:masters,
	// which RBAC's bootstrap policy binds to cluster-admin.
	if err := os.WriteFile(tokenFile, []byte(adminToken+`,weft-admin,weft-admin,"system:masters"`+"\n"), 0o600); err != nil {
		return err
	}
	var ports []int
	if c.netns == "" {
		ports, err = o.ports(4)
	} else {
		if out, err := exec.Command("ip", "-n", c.netns, "link", "set", "lo", "up").CombinedOutput(); err != nil {
			return fmt.Errorf("bring up lo in %s: %v: %s", c.netns, err, out)
		}
		err = InNetns(c.netns, func() (err error) { ports, err = o.ports(4); return err })
	}
	if err != nil {
		return err
	}
	etcdPort, peerPort, apiPort, kcmPort := ports[0], ports[1], ports[2], ports[3]

	host := "https://127.0.0.1:" + strconv.Itoa(apiPort)
	c.admin = &rest.Config{
		Host:            host,
		BearerToken:     adminToken,
		TLSClientConfig: rest.TLSClientConfig{CAData: ca.certPEM},
		QPS:             200,
		Burst:           400,
	}
	if c.netns != "" {
		c.admin.Dial = DialIn(c.netns)
	}
	if c.Client, err = kubernetes.NewForConfig(c.admin); err != nil {
		return fmt.Errorf("admin client: %w", err)
	}

	etcdURL := "http://127.0.0.1:" + strconv.Itoa(etcdPort)
	etcd, err := c.run(bin, "etcd",
		"--data-dir", filepath.Join(c.Dir, "etcd"),
		"--listen-client-url", etcdURL,
		"--listen-peer-url", "http://127.0.0.1:"+strconv.Itoa(peerPort))
	if err != nil {
		return err
	}
	if err := etcd.waitHealthy(ctx, &http.Client{Transport: c.transport(nil)}, etcdURL+"/health"); err != nil {
		return err
	}

	apiArgs := []string{
		"--etcd-servers", etcdURL,
		"--bind-address", "127.0.0.1",
		"--advertise-address", "127.0.0.1",
		"--secure-port", strconv.Itoa(apiPort),
		"--tls-cert-file", certFile,
		"--tls-private-key-file", keyFile,
		"--client-ca-file", caFile,
		"--token-auth-file", tokenFile,
		"--authorization-mode", "RBAC",
		"--service-account-issuer", "https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file", saPub,
		"--service-account-signing-key-file", saKey,
		"--service-cluster-ip-range", o.serviceCIDR,
		"--allow-privileged=true",
		// The "kubernetes" Service would get 127.0.0.1 as its endpoint, which
		// Endpoints validation refuses (loopback); nothing in a test reaches
		// the API server through that Service.
		"--endpoint-reconciler-type", "none",
		"--profiling=false",
	}
	api, err := c.run(bin, "kube-apiserver", append(apiArgs, o.apiserver...)...)
	if err != nil {
		return err
	}
	adminHTTP, err := rest.HTTPClientFor(c.admin)
	if err != nil {
		return fmt.Errorf("admin HTTP client: %w", err)
	}
	if err := api.waitHealthy(ctx, adminHTTP, host+"/readyz"); err != nil {
		return err
	}

	// The controller-manager authenticates as system:kube-controller-manager,
	// the identity RBAC's bootstrap policy grants what it needs, and then
	// runs each controller with its own service account's token.
	kcmConfig, err := c.userConfig("system:kube-controller-manager")
	if err != nil {
		return err
	}
	kcmKubeconfig := filepath.Join(c.Dir, "kube-controller-manager.kubeconfig")
	if err := writeKubeconfig(kcmKubeconfig, kcmConfig); err != nil {
		return err
	}
	kcmArgs := []string{
		"--kubeconfig", kcmKubeconfig,
		"--authentication-kubeconfig", kcmKubeconfig,
		"--authorization-kubeconfig", kcmKubeconfig,
		"--bind-address", "127.0.0.1",
		"--secure-port", strconv.Itoa(kcmPort),
		"--cert-dir", filepath.Join(c.Dir, "kube-controller-manager"),
		"--leader-elect=false",
		"--use-service-account-credentials=true",
		"--root-ca-file", caFile,
		"--profiling=false",
	}
	kcm, err := c.run(bin, "kube-controller-manager", append(kcmArgs, o.controllers...)...)
	if err != nil {
		return err
	}
	// /healthz is always allowed without credentials; the certificate is
	// the controller-manager's own self-signed one.
	insecure := &http.Client{Transport: c.transport(&tls.Config{InsecureSkipVerify: true})}
	return kcm.waitHealthy(ctx, insecure, "https://127.0.0.1:"+strconv.Itoa(kcmPort)+"/healthz")
}

// transport is an HTTP transport for the health checks, dialing in the
// control plane's namespace.
func (c *ControlPlane) transport(tlsConfig *tls.Config) *http.Transport {
	t := &http.Transport{TLSClientConfig: tlsConfig}
	if c.netns != "" {
		t.DialContext = DialIn(c.netns)
	}
	return t
}

// AdminConfig returns a new copy of the administrator's configuration: a
// bearer token from the API server's static token file, in group
// system:masters, which RBAC never denies.
func (c *ControlPlane) AdminConfig() *rest.Config { return rest.CopyConfig(c.admin) }

// UserConfig returns a configuration that authenticates as user in groups
// with a client certificate the control plane's CA signs (the API server's
// x509 authenticator reads the common name as the user and the
// organizations as the groups). Any name works at any time; what the user
// may do is whatever RBAC grants it, so a test can check a Role by acting as
// its subject.
func (c *ControlPlane) UserConfig(t testing.TB, user string, groups ...string) *rest.Config {
	t.Helper()
	cfg, err := c.userConfig(user, groups...)
	if err != nil {
		t.Fatalf("client certificate for %s: %v", user, err)
	}
	return cfg
}

func (c *ControlPlane) userConfig(user string, groups ...string) (*rest.Config, error) {
	cert, key, err := c.ca.issue(user, groups, nil, false)
	if err != nil {
		return nil, err
	}
	return &rest.Config{
		Host:            c.admin.Host,
		TLSClientConfig: rest.TLSClientConfig{CAData: c.ca.certPEM, CertData: cert, KeyData: key},
		QPS:             c.admin.QPS,
		Burst:           c.admin.Burst,
		Dial:            c.admin.Dial,
	}, nil
}

// ServiceAccountConfig returns a configuration carrying a bearer token of
// the service account namespace/name (created, with its namespace, if
// missing), issued by the API server's TokenRequest API and signed with the
// control plane's service-account key: the credential a Pod of that service
// account gets, valid for an hour.
func (c *ControlPlane) ServiceAccountConfig(t testing.TB, namespace, name string) *rest.Config {
	t.Helper()
	ctx := context.Background()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}
	if _, err := c.Client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("create namespace %s: %v", namespace, err)
	}
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name}}
	if _, err := c.Client.CoreV1().ServiceAccounts(namespace).Create(ctx, sa, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("create service account %s/%s: %v", namespace, name, err)
	}
	hour := int64(3600)
	tr, err := c.Client.CoreV1().ServiceAccounts(namespace).CreateToken(ctx, name,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &hour}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("request a token for %s/%s: %v", namespace, name, err)
	}
	return &rest.Config{
		Host:            c.admin.Host,
		BearerToken:     tr.Status.Token,
		TLSClientConfig: rest.TLSClientConfig{CAData: c.ca.certPEM},
		QPS:             c.admin.QPS,
		Burst:           c.admin.Burst,
		Dial:            c.admin.Dial,
	}
}

// Kubeconfig writes cfg (from AdminConfig, UserConfig or
// ServiceAccountConfig) as a kubeconfig file in the control plane's
// directory and returns its path, for a process the test starts
// (`weft-agent --kubeconfig`). With Netns, the process must run in that
// namespace to reach the address it names.
func (c *ControlPlane) Kubeconfig(t testing.TB, cfg *rest.Config) string {
	t.Helper()
	f, err := os.CreateTemp(c.Dir, "*.kubeconfig")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := writeKubeconfig(f.Name(), cfg); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}

func writeKubeconfig(path string, cfg *rest.Config) error {
	kc := clientcmdapi.NewConfig()
	kc.Clusters["kubetest"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData}
	kc.AuthInfos["kubetest"] = &clientcmdapi.AuthInfo{Token: cfg.BearerToken, ClientCertificateData: cfg.CertData, ClientKeyData: cfg.KeyData}
	kc.Contexts["kubetest"] = &clientcmdapi.Context{Cluster: "kubetest", AuthInfo: "kubetest"}
	kc.CurrentContext = "kubetest"
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		return fmt.Errorf("write kubeconfig %s: %w", path, err)
	}
	return nil
}

// ResidentMemory returns each process's resident set size in bytes
// (VmRSS), keyed by binary name, for tests and benchmarks that report what
// a control plane costs.
func (c *ControlPlane) ResidentMemory() (map[string]int64, error) {
	out := make(map[string]int64, len(c.procs))
	for _, p := range c.procs {
		rss, err := residentMemory(p.cmd.Process.Pid)
		if err != nil {
			return nil, fmt.Errorf("memory of %s: %w", p.name, err)
		}
		out[p.name] = rss
	}
	return out, nil
}

func residentMemory(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// process is one control-plane binary running as a child of the test.
type process struct {
	name string
	log  string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited; err is then set
	err  error
}

func (c *ControlPlane) run(bin, name string, args ...string) (*process, error) {
	logPath := filepath.Join(c.Dir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(filepath.Join(bin, name), args...)
	if c.netns != "" {
		// ip execs the binary once in the namespace, so the process (its pid,
		// its parent-death signal) is the binary's.
		cmd = exec.Command("ip", append([]string{"netns", "exec", c.netns, filepath.Join(bin, name)}, args...)...)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Killed with the test binary, so a test that times out or panics
	// leaves no control plane behind.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &process{name: name, log: logPath, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logFile.Close()
		close(p.done)
	}()
	c.procs = append(c.procs, p)
	return p, nil
}

// waitHealthy polls url until it answers 200, the process exits, or ctx
// ends.
func (p *process) waitHealthy(ctx context.Context, client *http.Client, url string) error {
	var last error
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("%s answered %s", url, resp.Status)
		}
		last = err
		select {
		case <-p.done:
			log := tail(p.log, 30)
			if strings.Contains(log, "address already in use") {
				return fmt.Errorf("%s exited before it was ready: %w; its log ends:\n%s", p.name, errPortTaken, log)
			}
			return fmt.Errorf("%s exited before it was ready (%v); its log ends:\n%s", p.name, p.err, log)
		case <-ctx.Done():
			return fmt.Errorf("%s not ready: %w; its log ends:\n%s", p.name, last, tail(p.log, 30))
		case <-tick.C:
		}
	}
}

// stop ends the processes in the reverse order of their start, each with
// SIGTERM and, after ten seconds, SIGKILL. A process that had exited on its
// own before fails the test: something in the control plane broke under it.
func (c *ControlPlane) stop(t testing.TB) {
	for i := len(c.procs) - 1; i >= 0; i-- {
		p := c.procs[i]
		select {
		case <-p.done:
			t.Errorf("%s exited while the test ran (%v); its log ends:\n%s", p.name, p.err, tail(p.log, 30))
			continue
		default:
		}
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	}
	if t.Failed() {
		for _, p := range c.procs {
			t.Logf("%s's log ends:\n%s", p.name, tail(p.log, 20))
		}
	}
}

func tail(path string, lines int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	all := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

// freePorts reserves n distinct free TCP ports on 127.0.0.1 by listening on
// port 0 and closing the listeners together. Another process could take one
// before the control plane binds it; the ports come from the kernel's
// ephemeral range in turn, so that is rare, and the start then fails with
// the process's own "address in use".
func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("reserve a port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
