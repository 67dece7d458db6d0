package domain

import (
	"fmt"
	"path"
	"reflect"
	"strings"
	"time"

	"weft.dev/kernel/fault"
	"weft.dev/kernel/validate"
)

// Limits of a workload.
const (
	MaxReplicas = 1000
	MaxEnvVars  = 128
	MaxArgs     = 64
	maxArgLen   = 4096
	maxEnvValue = 32 << 10
)

// Workload is an app's container: its cluster's agent, in Kubernetes
// mode, runs it as a Deployment and a Service in the environment's
// namespace, and the app's backends are the Service's ready endpoints
// (besides any fixed backends).
type Workload struct {
	Image   string   `json:"image"`
	Command []string `json:"command,omitempty"`
	Args    []string `json:"args,omitempty"`
	Env     []EnvVar `json:"env,omitempty"`
	// Ports map each of the app's ports to the container's port.
	Ports     []PortMap `json:"ports"`
	Replicas  int       `json:"replicas"`
	Resources Resources `json:"resources"`
	Readiness *Probe    `json:"readiness,omitempty"`
	Liveness  *Probe    `json:"liveness,omitempty"`
	// EnvFrom takes every key of a config as a variable; Files mounts a
	// config's keys as files of a directory. Both name configs of the
	// app's environment (checked when the app is created or updated).
	EnvFrom []EnvFrom   `json:"envFrom,omitempty"`
	Files   []FileMount `json:"files,omitempty"`
}

// EnvVar is one environment variable of the container: Value, or the
// value of a key of a config (From).
type EnvVar struct {
	Name  string  `json:"name"`
	Value string  `json:"value"`
	From  *KeyRef `json:"from,omitempty"`
}

// SourceConfig is a kind of source a workload takes values from: a
// config of its environment (SourceSecret: a secret of it).
const SourceConfig = "config"

// Source names a config or secret of the app's environment.
type Source struct {
	Kind string `json:"kind"` // SourceConfig or SourceSecret
	Name string `json:"name"`
}

func (s Source) String() string { return s.Kind + ":" + s.Name }

// KeyRef is one key of a config of the app's environment.
type KeyRef struct {
	Source
	Key string `json:"key"`
}

// EnvFrom takes every key of a source as an environment variable, with
// Prefix before its name (keys that are not variable names are skipped by
// Kubernetes).
type EnvFrom struct {
	Source
	Prefix string `json:"prefix,omitempty"`
}

// FileMount mounts a source's keys as files (one per key) in the
// directory Path of the container, read-only.
type FileMount struct {
	Source
	Path string `json:"path"`
}

// Sources are the distinct configs the workload takes values from, in
// the order first named.
func (w Workload) Sources() []Source {
	var out []Source
	seen := map[Source]bool{}
	add := func(s Source) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, e := range w.Env {
		if e.From != nil {
			add(e.From.Source)
		}
	}
	for _, e := range w.EnvFrom {
		add(e.Source)
	}
	for _, f := range w.Files {
		add(f.Source)
	}
	return out
}

func (s Source) normalize(field string) (Source, error) {
	if s.Kind == "" {
		s.Kind = SourceConfig
	}
	if s.Kind != SourceConfig && s.Kind != SourceSecret && s.Kind != SourceService {
		return Source{}, fault.Invalidf(field+".kind", "%q is not a source kind (config, secret or service)", s.Kind)
	}
	return s, validate.Name(field+".name", s.Name)
}

// PortMap is an app port and the container port it leads to.
type PortMap struct {
	Port          int      `json:"port"`
	Protocol      Protocol `json:"protocol"`
	ContainerPort int      `json:"containerPort"`
}

// Resources are the container's requests and limits, canonical Kubernetes
// quantities; empty is none.
type Resources struct {
	Requests ResourceList `json:"requests"`
	Limits   ResourceList `json:"limits"`
}

// ResourceList is CPU and memory.
type ResourceList struct {
	CPU    string `json:"cpu,omitempty"`
	Memory string `json:"memory,omitempty"`
}

// Probe kinds.
const (
	ProbeHTTP = "http"
	ProbeTCP  = "tcp"
	ProbeExec = "exec"
)

// Probe is a readiness or liveness probe; zero numbers take Kubernetes'
// defaults.
type Probe struct {
	Type                string   `json:"type"`
	Path                string   `json:"path,omitempty"`    // http
	Port                int      `json:"port,omitempty"`    // a container port; http and tcp
	Command             []string `json:"command,omitempty"` // exec
	InitialDelaySeconds int      `json:"initialDelaySeconds,omitempty"`
	PeriodSeconds       int      `json:"periodSeconds,omitempty"`
	TimeoutSeconds      int      `json:"timeoutSeconds,omitempty"`
	FailureThreshold    int      `json:"failureThreshold,omitempty"`
	SuccessThreshold    int      `json:"successThreshold,omitempty"`
}

// ServiceRef names an existing Kubernetes Service an app exports: its
// ready endpoints are the app's backends.
type ServiceRef struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

func (r ServiceRef) String() string { return r.Namespace + "/" + r.Name }

// ParseServiceRef reads "namespace/name".
func ParseServiceRef(field, s string) (ServiceRef, error) {
	ns, name, ok := strings.Cut(s, "/")
	if !ok {
		return ServiceRef{}, fault.Invalidf(field, "%q is not namespace/name", s)
	}
	r := ServiceRef{Namespace: ns, Name: name}
	return r, r.check(field)
}

func (r ServiceRef) check(field string) error {
	if err := validate.Name(field+".namespace", r.Namespace); err != nil {
		return err
	}
	return validate.Name(field+".name", r.Name)
}

// Backing is what stands behind an app's service IP: fixed backends in its
// spec, and at most one of a workload and an exported Service.
type Backing struct {
	Workload *Workload   `json:"workload,omitempty"`
	Export   *ServiceRef `json:"export,omitempty"`
}

// Normalize checks the whole shape of an app, spec and backing together,
// and fills in defaults (a container port is the app port unless mapped;
// a probe's port is the first container port). Errors are BAD_USER_INPUT
// faults naming the field ("spec.ports[0].port", "workload.image").
func (b Backing) Normalize(spec Spec) (Spec, Backing, error) {
	if b.Workload != nil && b.Export != nil {
		return Spec{}, Backing{}, fault.Invalidf("export", "an app has a workload or exports a Service, not both")
	}
	// Fixed backends are optional when the Service's endpoints are backends.
	s, err := spec.normalize("spec.", b.Workload == nil && b.Export == nil)
	if err != nil {
		return Spec{}, Backing{}, err
	}
	var out Backing
	if b.Export != nil {
		if err := b.Export.check("export"); err != nil {
			return Spec{}, Backing{}, err
		}
		r := *b.Export
		out.Export = &r
	}
	if b.Workload != nil {
		w, err := b.Workload.normalize("workload.", s)
		if err != nil {
			return Spec{}, Backing{}, err
		}
		out.Workload = &w
	}
	return s, out, nil
}

func (w Workload) normalize(prefix string, spec Spec) (Workload, error) {
	if err := validate.Image(prefix+"image", w.Image); err != nil {
		return Workload{}, err
	}
	out := Workload{Image: w.Image, Replicas: w.Replicas}
	var err error
	if out.Command, err = strs(prefix+"command", w.Command); err != nil {
		return Workload{}, err
	}
	if out.Args, err = strs(prefix+"args", w.Args); err != nil {
		return Workload{}, err
	}
	if w.Replicas < 0 || w.Replicas > MaxReplicas {
		return Workload{}, fault.Invalidf(prefix+"replicas", "%d is outside 0–%d", w.Replicas, MaxReplicas)
	}
	if len(w.Env) > MaxEnvVars {
		return Workload{}, fault.Invalidf(prefix+"env", "%d variables; at most %d", len(w.Env), MaxEnvVars)
	}
	seen := map[string]bool{}
	for i, e := range w.Env {
		field := fmt.Sprintf("%senv[%d]", prefix, i)
		if err := validate.EnvVarName(field+".name", e.Name); err != nil {
			return Workload{}, err
		}
		if seen[e.Name] {
			return Workload{}, fault.Invalidf(field+".name", "%s is set twice", e.Name)
		}
		seen[e.Name] = true
		if len(e.Value) > maxEnvValue || strings.ContainsRune(e.Value, 0) {
			return Workload{}, fault.Invalidf(field+".value", "is longer than %d bytes or holds a NUL", maxEnvValue)
		}
		if e.From != nil {
			if e.Value != "" {
				return Workload{}, fault.Invalidf(field+".value", "a variable has a value or takes one from a key, not both")
			}
			src, err := e.From.Source.normalize(field + ".from")
			if err != nil {
				return Workload{}, err
			}
			if err := ValidateConfigKey(field+".from.key", e.From.Key); err != nil {
				return Workload{}, err
			}
			e.From = &KeyRef{Source: src, Key: e.From.Key}
		}
		out.Env = append(out.Env, e)
	}
	if len(w.EnvFrom) > MaxEnvVars {
		return Workload{}, fault.Invalidf(prefix+"envFrom", "%d sources; at most %d", len(w.EnvFrom), MaxEnvVars)
	}
	for i, e := range w.EnvFrom {
		field := fmt.Sprintf("%senvFrom[%d]", prefix, i)
		src, err := e.Source.normalize(field)
		if err != nil {
			return Workload{}, err
		}
		if e.Prefix != "" {
			if err := validate.EnvVarName(field+".prefix", e.Prefix); err != nil {
				return Workload{}, err
			}
		}
		out.EnvFrom = append(out.EnvFrom, EnvFrom{Source: src, Prefix: e.Prefix})
	}
	if len(w.Files) > MaxEnvVars {
		return Workload{}, fault.Invalidf(prefix+"files", "%d mounts; at most %d", len(w.Files), MaxEnvVars)
	}
	paths := map[string]bool{}
	for i, f := range w.Files {
		field := fmt.Sprintf("%sfiles[%d]", prefix, i)
		src, err := f.Source.normalize(field)
		if err != nil {
			return Workload{}, err
		}
		if !path.IsAbs(f.Path) || path.Clean(f.Path) != f.Path || f.Path == "/" || len(f.Path) > 1024 ||
			strings.ContainsAny(f.Path, ":\x00\n\r\t") {
			return Workload{}, fault.Invalidf(field+".path", "%q is not a clean absolute directory path other than / (like /etc/app)", f.Path)
		}
		for p := range paths {
			if strings.HasPrefix(f.Path+"/", p+"/") || strings.HasPrefix(p+"/", f.Path+"/") {
				return Workload{}, fault.Invalidf(field+".path", "%s overlaps the mount at %s", f.Path, p)
			}
		}
		paths[f.Path] = true
		out.Files = append(out.Files, FileMount{Source: src, Path: f.Path})
	}
	// One container port per app port; unmapped ports lead to the same
	// port of the container.
	mapped := map[Port]int{}
	for i, m := range w.Ports {
		field := fmt.Sprintf("%sports[%d]", prefix, i)
		if m.Protocol == "" {
			m.Protocol = TCP
		}
		p := Port{Port: m.Port, Protocol: m.Protocol}
		if !spec.Has(p) {
			return Workload{}, fault.Invalidf(field+".port", "%s is not one of the app's ports", p)
		}
		if _, dup := mapped[p]; dup {
			return Workload{}, fault.Invalidf(field+".port", "%s is mapped twice", p)
		}
		if err := validate.Port(field+".containerPort", m.ContainerPort); err != nil {
			return Workload{}, err
		}
		mapped[p] = m.ContainerPort
	}
	containerPorts := map[int]bool{}
	for _, p := range spec.Ports {
		cp, ok := mapped[p]
		if !ok {
			cp = p.Port
		}
		out.Ports = append(out.Ports, PortMap{Port: p.Port, Protocol: p.Protocol, ContainerPort: cp})
		containerPorts[cp] = true
	}
	if out.Resources, err = w.Resources.normalize(prefix + "resources."); err != nil {
		return Workload{}, err
	}
	first := out.Ports[0].ContainerPort
	for name, p := range map[string]*Probe{"readiness": w.Readiness, "liveness": w.Liveness} {
		if p == nil {
			continue
		}
		n, err := p.normalize(prefix+name+".", first, containerPorts, name == "liveness")
		if err != nil {
			return Workload{}, err
		}
		if name == "readiness" {
			out.Readiness = &n
		} else {
			out.Liveness = &n
		}
	}
	return out, nil
}

func strs(field string, in []string) ([]string, error) {
	if len(in) > MaxArgs {
		return nil, fault.Invalidf(field, "%d items; at most %d", len(in), MaxArgs)
	}
	for i, s := range in {
		if len(s) > maxArgLen || strings.ContainsRune(s, 0) {
			return nil, fault.Invalidf(fmt.Sprintf("%s[%d]", field, i), "is longer than %d bytes or holds a NUL", maxArgLen)
		}
	}
	if len(in) == 0 {
		return nil, nil
	}
	return append([]string(nil), in...), nil
}

func (r Resources) normalize(prefix string) (Resources, error) {
	var out Resources
	type q struct {
		field   string
		in, out *string
	}
	for _, c := range []q{
		{"requests.cpu", &r.Requests.CPU, &out.Requests.CPU},
		{"requests.memory", &r.Requests.Memory, &out.Requests.Memory},
		{"limits.cpu", &r.Limits.CPU, &out.Limits.CPU},
		{"limits.memory", &r.Limits.Memory, &out.Limits.Memory},
	} {
		if *c.in == "" {
			continue
		}
		v, err := validate.ResourceQuantity(prefix+c.field, *c.in)
		if err != nil {
			return Resources{}, err
		}
		*c.out = v.Canonical
	}
	// Kubernetes refuses a request above its limit.
	for _, c := range []struct{ what, req, lim string }{
		{"cpu", out.Requests.CPU, out.Limits.CPU}, {"memory", out.Requests.Memory, out.Limits.Memory},
	} {
		if c.req == "" || c.lim == "" {
			continue
		}
		req, _ := validate.ResourceQuantity("", c.req)
		lim, _ := validate.ResourceQuantity("", c.lim)
		if req.Cmp(lim) > 0 {
			return Resources{}, fault.Invalidf(prefix+"requests."+c.what, "%s is more than the limit %s", c.req, c.lim)
		}
	}
	return out, nil
}

func (p Probe) normalize(prefix string, defaultPort int, ports map[int]bool, liveness bool) (Probe, error) {
	out := p
	switch p.Type {
	case ProbeHTTP, ProbeTCP:
		if len(p.Command) > 0 {
			return Probe{}, fault.Invalidf(prefix+"command", "only exec probes run a command")
		}
		if out.Port == 0 {
			out.Port = defaultPort
		}
		if err := validate.Port(prefix+"port", out.Port); err != nil {
			return Probe{}, err
		}
		if !ports[out.Port] {
			return Probe{}, fault.Invalidf(prefix+"port", "%d is not one of the container's ports", out.Port)
		}
		if p.Type == ProbeTCP && p.Path != "" {
			return Probe{}, fault.Invalidf(prefix+"path", "only http probes have a path")
		}
		if p.Type == ProbeHTTP {
			if out.Path == "" {
				out.Path = "/"
			}
			if !strings.HasPrefix(out.Path, "/") || strings.ContainsAny(out.Path, " \t\r\n") || len(out.Path) > 1024 {
				return Probe{}, fault.Invalidf(prefix+"path", "%q is not an absolute URL path", out.Path)
			}
		}
	case ProbeExec:
		if len(p.Command) == 0 {
			return Probe{}, fault.Invalidf(prefix+"command", "an exec probe needs a command")
		}
		if p.Path != "" || p.Port != 0 {
			return Probe{}, fault.Invalidf(prefix+"port", "an exec probe has no port or path")
		}
		c, err := strs(prefix+"command", p.Command)
		if err != nil {
			return Probe{}, err
		}
		out.Command = c
	default:
		return Probe{}, fault.Invalidf(prefix+"type", "%q is not http, tcp or exec", p.Type)
	}
	for _, c := range []struct {
		field    string
		v        int
		min, max int
	}{
		{"initialDelaySeconds", p.InitialDelaySeconds, 0, 3600},
		{"periodSeconds", p.PeriodSeconds, 0, 3600},
		{"timeoutSeconds", p.TimeoutSeconds, 0, 3600},
		{"failureThreshold", p.FailureThreshold, 0, 100},
		{"successThreshold", p.SuccessThreshold, 0, 100},
	} {
		if c.v < c.min || c.v > c.max {
			return Probe{}, fault.Invalidf(prefix+c.field, "%d is outside %d–%d (0: Kubernetes' default)", c.v, c.min, c.max)
		}
	}
	// Kubernetes refuses a liveness probe needing more than one success.
	if liveness && p.SuccessThreshold > 1 {
		return Probe{}, fault.Invalidf(prefix+"successThreshold", "must be 1 (or 0 for the default)")
	}
	return out, nil
}

// Rollout is what the agent of an app's cluster last reported of its
// workload (clusterstate.AppStatus, as recorded).
type Rollout struct {
	// Generation is the app Generation the Deployment was applied from.
	Generation           uint64       `json:"generation"`
	DeploymentGeneration int64        `json:"deploymentGeneration"`
	ObservedGeneration   int64        `json:"observedGeneration"`
	Desired              int          `json:"desired"`
	Updated              int          `json:"updated"`
	Ready                int          `json:"ready"`
	Available            int          `json:"available"`
	Image                string       `json:"image,omitempty"`
	Conditions           []Condition  `json:"conditions,omitempty"`
	LastError            string       `json:"lastError,omitempty"`
	CrashLooping         []PodProblem `json:"crashLooping,omitempty"`
	ReportedAt           time.Time    `json:"reportedAt"`
}

// Condition is one Deployment condition.
type Condition struct {
	Type    string `json:"type"`
	Status  string `json:"status"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
}

// PodProblem is a pod that does not come up (e.g. CrashLoopBackOff).
type PodProblem struct {
	Pod      string `json:"pod"`
	Reason   string `json:"reason"`
	Restarts int    `json:"restarts"`
	Message  string `json:"message,omitempty"`
}

// Same reports whether two rollouts say the same, whenever reported.
func (r Rollout) Same(o Rollout) bool {
	r.ReportedAt, o.ReportedAt = time.Time{}, time.Time{}
	return reflect.DeepEqual(r, o)
}

// RolledOut reports whether the rollout shows generation (or a later
// spec) applied, observed by the Deployment controller, every desired
// replica updated, ready and available, and no error.
func (r Rollout) RolledOut(generation uint64) bool {
	return r.Generation >= generation && r.Generation > 0 && r.LastError == "" &&
		r.ObservedGeneration >= r.DeploymentGeneration &&
		r.Updated == r.Desired && r.Ready == r.Desired && r.Available == r.Desired
}

// Failing reports why a rollout of generation cannot finish without a
// change: the agent could not apply it, or pods crash-loop. Empty if not.
func (r Rollout) Failing(generation uint64) string {
	if r.Generation < generation {
		return ""
	}
	if r.LastError != "" {
		return r.LastError
	}
	if len(r.CrashLooping) > 0 {
		p := r.CrashLooping[0]
		return fmt.Sprintf("pod %s: %s (%d restarts)", p.Pod, p.Reason, p.Restarts)
	}
	return ""
}
