package kubetest_test

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"weft.dev/agent/kube/kubetest"
)

const helperKubeconfig = "KUBETEST_HELPER_KUBECONFIG"

// TestAControlPlaneInANetworkNamespaceServesBothSides proves the shape the
// e2e scenario uses for a cluster: the control plane runs inside a network
// namespace, the test reaches it from the host's namespace through the
// configurations the harness returns, the kubelet's Node registers, and a
// process started in that namespace (as the agent will be) reaches the API
// server through the kubeconfig the harness writes.
func TestAControlPlaneInANetworkNamespaceServesBothSides(t *testing.T) {
	ns := kubetest.NewNetns(t)
	cp := kubetest.Start(t, kubetest.Netns(ns))
	kubelet := kubetest.StartKubelet(t, cp.AdminConfig(), kubetest.KubeletConfig{Netns: ns, NodeName: "node-a"})
	if kubelet.Netns() != ns {
		t.Fatalf("kubelet runs pods in %s, want the cluster's namespace %s", kubelet.Netns(), ns)
	}
	if _, err := cp.Client.CoreV1().Nodes().Get(t.Context(), "node-a", metav1.GetOptions{}); err != nil {
		t.Fatalf("from the host's namespace: %v", err)
	}

	kubeconfig := cp.Kubeconfig(t, cp.AdminConfig())
	cmd := exec.Command("ip", "netns", "exec", ns, os.Args[0], "-test.run=^TestKubeconfigHelperProcess$", "-test.v=false")
	cmd.Env = append(os.Environ(), helperKubeconfig+"="+kubeconfig)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("a process in %s with the harness's kubeconfig: %v: %s", ns, err, out)
	}
	if !strings.Contains(string(out), "nodes: node-a") {
		t.Fatalf("the process in %s saw %q, want node-a", ns, out)
	}
}

// TestKubeconfigHelperProcess is the process TestAControlPlaneInANetworkNamespaceServesBothSides
// starts in the cluster's namespace: it lists the Nodes with the kubeconfig
// it is given. Run directly, it does nothing.
func TestKubeconfigHelperProcess(t *testing.T) {
	path := os.Getenv(helperKubeconfig)
	if path == "" {
		return
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	nodes, err := c.CoreV1().Nodes().List(t.Context(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range nodes.Items {
		names = append(names, n.Name)
	}
	fmt.Printf("nodes: %s\n", strings.Join(names, ","))
}
