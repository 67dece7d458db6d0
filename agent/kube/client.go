package kube

import (
	"fmt"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// The agent's API client's rate. client-go's default (5 requests a second,
// bursts of 10) held 100 apps created at once for about a minute (two or
// three requests each); the API server's own priority and fairness is what
// protects it from a busy client, as for the controller-manager.
const (
	ClientQPS   = 100
	ClientBurst = 200
)

// NewClient is the agent's client of the API server rc names, at ClientQPS.
func NewClient(rc *rest.Config) (kubernetes.Interface, error) {
	rc = rest.CopyConfig(rc)
	rc.QPS, rc.Burst = ClientQPS, ClientBurst
	if rc.UserAgent == "" {
		rc.UserAgent = "weft-agent"
	}
	c, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("kubernetes client: %w", err)
	}
	return c, nil
}
