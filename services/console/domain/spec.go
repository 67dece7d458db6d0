package domain

import (
	"fmt"
	"net/netip"
	"strings"

	"weft.dev/kernel/fault"
	"weft.dev/kernel/validate"
)

// Protocol is what an app port speaks.
type Protocol string

// Protocols.
const (
	TCP  Protocol = "tcp"
	UDP  Protocol = "udp"
	HTTP Protocol = "http"
)

// LBMode is how a service IP spreads connections over the backends.
type LBMode string

// Load-balancing modes.
const (
	RoundRobin LBMode = "round_robin"
	Random     LBMode = "random"
	Failover   LBMode = "failover" // the first healthy backend, in order
)

// Health check types.
const (
	CheckTCP  = "tcp"
	CheckHTTP = "http"
)

// Limits of a spec.
const (
	MaxPorts    = 64
	MaxBackends = 64
)

// Port is one port an app listens on at its service IP.
type Port struct {
	Port     int      `json:"port"`
	Protocol Protocol `json:"protocol"`
}

func (p Port) String() string { return fmt.Sprintf("%d/%s", p.Port, p.Protocol) }

// HealthCheck says how the proxy decides a backend is up.
type HealthCheck struct {
	Type               string `json:"type"`           // tcp or http
	Path               string `json:"path,omitempty"` // http only
	IntervalSeconds    int    `json:"intervalSeconds"`
	TimeoutSeconds     int    `json:"timeoutSeconds"`
	HealthyThreshold   int    `json:"healthyThreshold"`   // successes to mark a backend up
	UnhealthyThreshold int    `json:"unhealthyThreshold"` // failures to mark it down
}

// Spec is the network shape apps and managed services share.
type Spec struct {
	Ports    []Port      `json:"ports"`
	Backends []string    `json:"backends"` // host:port
	LB       LBMode      `json:"lb"`
	Health   HealthCheck `json:"health"`
}

// Has reports whether the spec exposes port.
func (s Spec) Has(p Port) bool {
	for _, q := range s.Ports {
		if q == p {
			return true
		}
	}
	return false
}

// Normalize fills in defaults (protocol tcp, round_robin, a tcp health check
// every 10 s with a 2 s timeout, 2 successes up, 3 failures down; path "/"
// for http checks) and validates the result. Errors are BAD_USER_INPUT
// faults whose field is prefixed with prefix (e.g. "spec.").
func (s Spec) Normalize(prefix string) (Spec, error) { return s.normalize(prefix, true) }

// normalize is Normalize; without needBackends (an app whose workload or
// exported Service gives backends) the spec may have none.
func (s Spec) normalize(prefix string, needBackends bool) (Spec, error) {
	out := Spec{LB: s.LB, Health: s.Health}
	if len(s.Ports) == 0 {
		return Spec{}, fault.Invalidf(prefix+"ports", "at least one port is required")
	}
	if len(s.Ports) > MaxPorts {
		return Spec{}, fault.Invalidf(prefix+"ports", "%d ports; at most %d", len(s.Ports), MaxPorts)
	}
	seen := map[Port]bool{}
	for i, p := range s.Ports {
		field := fmt.Sprintf("%sports[%d]", prefix, i)
		if err := validate.Port(field+".port", p.Port); err != nil {
			return Spec{}, err
		}
		if p.Protocol == "" {
			p.Protocol = TCP
		}
		switch p.Protocol {
		case TCP, UDP, HTTP:
		default:
			return Spec{}, fault.Invalidf(field+".protocol", "%q is not tcp, udp or http", p.Protocol)
		}
		if seen[p] {
			return Spec{}, fault.Invalidf(field, "%s is listed twice", p)
		}
		seen[p] = true
		out.Ports = append(out.Ports, p)
	}
	if len(s.Backends) == 0 && needBackends {
		return Spec{}, fault.Invalidf(prefix+"backends", "at least one backend (host:port) is required, unless the app has a workload (image) or exports a Service")
	}
	if len(s.Backends) > MaxBackends {
		return Spec{}, fault.Invalidf(prefix+"backends", "%d backends; at most %d", len(s.Backends), MaxBackends)
	}
	dup := map[string]bool{}
	for i, b := range s.Backends {
		field := fmt.Sprintf("%sbackends[%d]", prefix, i)
		if err := validate.Backend(field, b); err != nil {
			return Spec{}, err
		}
		key := strings.ToLower(b)
		if dup[key] {
			return Spec{}, fault.Invalidf(field, "%q is listed twice", b)
		}
		dup[key] = true
		out.Backends = append(out.Backends, b)
	}
	if out.LB == "" {
		out.LB = RoundRobin
	}
	switch out.LB {
	case RoundRobin, Random, Failover:
	default:
		return Spec{}, fault.Invalidf(prefix+"lb", "%q is not round_robin, random or failover", out.LB)
	}
	h, err := out.Health.normalize(prefix + "health.")
	if err != nil {
		return Spec{}, err
	}
	out.Health = h
	return out, nil
}

func (h HealthCheck) normalize(prefix string) (HealthCheck, error) {
	if h.Type == "" {
		h.Type = CheckTCP
	}
	switch h.Type {
	case CheckTCP:
		if h.Path != "" {
			return h, fault.Invalidf(prefix+"path", "only http checks have a path")
		}
	case CheckHTTP:
		if h.Path == "" {
			h.Path = "/"
		}
		if !strings.HasPrefix(h.Path, "/") || strings.ContainsAny(h.Path, " \t\r\n") || len(h.Path) > 1024 {
			return h, fault.Invalidf(prefix+"path", "%q is not an absolute URL path", h.Path)
		}
	default:
		return h, fault.Invalidf(prefix+"type", "%q is not tcp or http", h.Type)
	}
	if h.IntervalSeconds == 0 {
		h.IntervalSeconds = 10
	}
	if h.TimeoutSeconds == 0 {
		h.TimeoutSeconds = min(2, h.IntervalSeconds)
	}
	if h.HealthyThreshold == 0 {
		h.HealthyThreshold = 2
	}
	if h.UnhealthyThreshold == 0 {
		h.UnhealthyThreshold = 3
	}
	if h.IntervalSeconds < 1 || h.IntervalSeconds > 3600 {
		return h, fault.Invalidf(prefix+"intervalSeconds", "%d is outside 1–3600", h.IntervalSeconds)
	}
	// A check that may outlive its interval would overlap the next one.
	if h.TimeoutSeconds < 1 || h.TimeoutSeconds > h.IntervalSeconds {
		return h, fault.Invalidf(prefix+"timeoutSeconds", "%d must be between 1 and the interval (%d)", h.TimeoutSeconds, h.IntervalSeconds)
	}
	if h.HealthyThreshold < 1 || h.HealthyThreshold > 10 {
		return h, fault.Invalidf(prefix+"healthyThreshold", "%d is outside 1–10", h.HealthyThreshold)
	}
	if h.UnhealthyThreshold < 1 || h.UnhealthyThreshold > 10 {
		return h, fault.Invalidf(prefix+"unhealthyThreshold", "%d is outside 1–10", h.UnhealthyThreshold)
	}
	return h, nil
}

func netipAddrPort(ip string, port int) (string, error) {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return "", err
	}
	return netip.AddrPortFrom(a, uint16(port)).String(), nil
}
