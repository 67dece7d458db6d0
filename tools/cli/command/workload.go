package command

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"weft.dev/tools/cli/api"
)

// workloadFlags describe an app's container (run by its cluster's agent in
// Kubernetes mode) or the existing Service it exports.
type workloadFlags struct {
	fs                                 *pflag.FlagSet
	image                              string
	replicas                           int
	envVars, command, args             []string
	envVarsFrom, envFrom, mounts       []string
	envFromService                     []string
	cpu, cpuLimit, memory, memoryLimit string
	readiness, liveness                string
	service                            string
}

// register adds the flags to fs; a command sets w.fs to its own flags
// when it runs (flags of several commands share these fields).
func (w *workloadFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&w.image, "image", "", "container image the app's cluster runs (Kubernetes mode), e.g. ghcr.io/acme/api:1.4")
	fs.IntVar(&w.replicas, "replicas", 1, "replicas of the container, 0 to 1000")
	fs.StringArrayVar(&w.envVars, "env-var", nil, "environment variable NAME=VALUE of the container, repeatable")
	fs.StringArrayVar(&w.envVarsFrom, "env-var-from", nil, "environment variable from a config's or secret's key: NAME=config:CONFIG/KEY or NAME=secret:SECRET/KEY, repeatable")
	fs.StringArrayVar(&w.envFrom, "env-from", nil, "every key of a config or secret as variables: config:NAME[:PREFIX] or secret:NAME[:PREFIX], repeatable")
	fs.StringArrayVar(&w.envFromService, "env-from-service", nil, "the credentials of a managed service its cluster runs as variables (USERNAME, PASSWORD, DATABASE, HOST, PORT, URL): NAME[:PREFIX], repeatable")
	fs.StringArrayVar(&w.mounts, "mount", nil, "a config's or secret's keys as files of a read-only directory: config:NAME=/PATH or secret:NAME=/PATH, repeatable")
	fs.StringArrayVar(&w.command, "command", nil, "the container's command (entrypoint), one argument per flag")
	fs.StringArrayVar(&w.args, "arg", nil, "an argument of the container's command, repeatable")
	fs.StringVar(&w.cpu, "cpu", "", "CPU request, e.g. 250m or 0.5")
	fs.StringVar(&w.cpuLimit, "cpu-limit", "", "CPU limit")
	fs.StringVar(&w.memory, "memory", "", "memory request, e.g. 128Mi")
	fs.StringVar(&w.memoryLimit, "memory-limit", "", "memory limit")
	fs.StringVar(&w.readiness, "readiness", "", "readiness probe: http[:PORT][/PATH], tcp[:PORT] or exec:COMMAND")
	fs.StringVar(&w.liveness, "liveness", "", "liveness probe, as --readiness")
	fs.StringVar(&w.service, "service", "", "export an existing Kubernetes Service NAMESPACE/NAME of the app's cluster: its ready endpoints are the backends")
}

func (w *workloadFlags) changed(name string) bool { return w.fs.Changed(name) }

// anyWorkload reports whether a flag of the container was given.
func (w *workloadFlags) anyWorkload() bool {
	for _, f := range []string{"image", "replicas", "env-var", "env-var-from", "env-from", "env-from-service", "mount", "command", "arg", "cpu", "cpu-limit", "memory", "memory-limit", "readiness", "liveness"} {
		if w.changed(f) {
			return true
		}
	}
	return false
}

// parsePortMap reads PORT[:CONTAINERPORT][/PROTOCOL]: 80, 80:8080,
// 80:8080/http, 53/udp.
func parsePortMap(s string) (port int, proto string, container int, err error) {
	p, pr, hasProto := strings.Cut(s, "/")
	p, cp, mapped := strings.Cut(p, ":")
	if hasProto {
		p += "/" + pr
	}
	port, proto, err = parsePort(p)
	if err != nil {
		return 0, "", 0, err
	}
	if mapped {
		n, err := strconv.Atoi(cp)
		if err != nil || n < 1 || n > 65535 {
			return 0, "", 0, usagef("invalid port %q: the container port after ':' must be 1 to 65535", s)
		}
		container = n
	}
	return port, proto, container, nil
}

// portMaps are the container ports --port names (PORT:CONTAINERPORT).
func portMaps(ports []string) ([]api.PortMappingInput, error) {
	var out []api.PortMappingInput
	for _, s := range ports {
		n, proto, cp, err := parsePortMap(s)
		if err != nil {
			return nil, err
		}
		if cp != 0 {
			pr := api.Protocol(proto)
			out = append(out, api.PortMappingInput{Port: n, Protocol: &pr, ContainerPort: cp})
		}
	}
	return out, nil
}

// parseProbe reads http[:PORT][/PATH], tcp[:PORT] or exec:COMMAND ARGS.
func parseProbe(flag, s string) (*api.ProbeInput, error) {
	if cmd, ok := strings.CutPrefix(s, "exec:"); ok {
		f := strings.Fields(cmd)
		if len(f) == 0 {
			return nil, usagef("invalid --%s %q: exec: needs a command", flag, s)
		}
		return &api.ProbeInput{Type: api.ProbeTypeExec, Command: f}, nil
	}
	kind, rest := s, ""
	if i := strings.IndexAny(s, ":/"); i >= 0 {
		kind, rest = s[:i], s[i:]
	}
	p := &api.ProbeInput{}
	switch kind {
	case "http":
		p.Type = api.ProbeTypeHttp
	case "tcp":
		p.Type = api.ProbeTypeTcp
	default:
		return nil, usagef("invalid --%s %q: want http[:PORT][/PATH], tcp[:PORT] or exec:COMMAND", flag, s)
	}
	if port, ok := strings.CutPrefix(rest, ":"); ok {
		port, path, hasPath := strings.Cut(port, "/")
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return nil, usagef("invalid --%s %q: port must be 1 to 65535", flag, s)
		}
		p.Port = &n
		rest = ""
		if hasPath {
			rest = "/" + path
		}
	}
	if rest != "" {
		if p.Type != api.ProbeTypeHttp {
			return nil, usagef("invalid --%s %q: only http probes have a path", flag, s)
		}
		p.Path = &rest
	}
	return p, nil
}

// parseSource reads config:NAME or secret:NAME.
func parseSource(s string) (api.SourceKind, string, error) {
	kind, name, _ := strings.Cut(s, ":")
	var k api.SourceKind
	switch kind {
	case "config":
		k = api.SourceKindConfig
	case "secret":
		k = api.SourceKindSecret
	case "service":
		k = api.SourceKindService
	default:
		return "", "", usagef("invalid source %q: want config:NAME, secret:NAME or service:NAME", s)
	}
	if err := checkName(kind, name); err != nil {
		return "", "", err
	}
	return k, name, nil
}

// serviceRef reads --service NAMESPACE/NAME.
func (w *workloadFlags) serviceRef() (*api.ServiceRefInput, error) {
	ns, name, ok := strings.Cut(w.service, "/")
	if !ok || checkName("namespace", ns) != nil || checkName("service", name) != nil {
		return nil, usagef("invalid --service %q: want NAMESPACE/NAME, e.g. prod/postgres", w.service)
	}
	return &api.ServiceRefInput{Namespace: ns, Name: name}, nil
}

// apply puts the given flags over in (a new workload when nil) and
// returns it; maps are the container ports --port named, when given.
func (w *workloadFlags) apply(in *api.WorkloadInput, maps []api.PortMappingInput, portsGiven bool) (*api.WorkloadInput, error) {
	if in == nil {
		if !w.changed("image") {
			return nil, usagef("a container needs --image")
		}
		one := 1
		in = &api.WorkloadInput{Replicas: &one}
	}
	if w.changed("image") {
		if strings.TrimSpace(w.image) == "" {
			return nil, usagef("--image is empty")
		}
		in.Image = w.image
	}
	if w.changed("replicas") {
		if w.replicas < 0 {
			return nil, usagef("invalid --replicas %d: 0 or more", w.replicas)
		}
		r := w.replicas
		in.Replicas = &r
	}
	// --env-var replaces the variables with a value, --env-var-from
	// those from a config's key; each keeps the other's.
	if w.changed("env-var") || w.changed("env-var-from") {
		var vals, froms []api.EnvVarInput
		for _, e := range in.Env {
			if e.From != nil {
				froms = append(froms, e)
			} else {
				vals = append(vals, e)
			}
		}
		if w.changed("env-var") {
			vals = nil
			for _, kv := range w.envVars {
				k, v, ok := strings.Cut(kv, "=")
				if !ok || k == "" {
					return nil, usagef("invalid --env-var %q: want NAME=VALUE", kv)
				}
				vals = append(vals, api.EnvVarInput{Name: k, Value: &v})
			}
		}
		if w.changed("env-var-from") {
			froms = nil
			for _, kv := range w.envVarsFrom {
				k, ref, ok := strings.Cut(kv, "=")
				src, key, ok2 := strings.Cut(ref, "/")
				kind, name, err := parseSource(src)
				if !ok || !ok2 || k == "" || key == "" || err != nil {
					return nil, usagef("invalid --env-var-from %q: want NAME=config:CONFIG/KEY or NAME=secret:SECRET/KEY", kv)
				}
				froms = append(froms, api.EnvVarInput{Name: k, From: &api.KeyRefInput{Kind: &kind, Name: name, Key: key}})
			}
		}
		in.Env = append(vals, froms...)
	}
	if w.changed("env-from") || w.changed("env-from-service") {
		// Each flag replaces its own kind of source; the other's stay.
		kept := in.EnvFrom
		in.EnvFrom = nil
		for _, e := range kept {
			isService := e.Kind != nil && *e.Kind == api.SourceKindService
			if isService && !w.changed("env-from-service") || !isService && !w.changed("env-from") {
				in.EnvFrom = append(in.EnvFrom, e)
			}
		}
		for _, s := range w.envFromService {
			name, prefix, _ := strings.Cut(s, ":")
			if err := checkName("service", name); err != nil {
				return nil, usagef("invalid --env-from-service %q: want NAME[:PREFIX]", s)
			}
			kind := api.SourceKindService
			e := api.EnvFromInput{Kind: &kind, Name: name}
			if prefix != "" {
				e.Prefix = &prefix
			}
			in.EnvFrom = append(in.EnvFrom, e)
		}
	}
	if w.changed("env-from") {
		for _, s := range w.envFrom {
			kindName, prefix := s, ""
			if parts := strings.SplitN(s, ":", 3); len(parts) == 3 {
				kindName, prefix = parts[0]+":"+parts[1], parts[2]
			}
			kind, name, err := parseSource(kindName)
			if err != nil {
				return nil, usagef("invalid --env-from %q: want config:NAME[:PREFIX] or secret:NAME[:PREFIX]", s)
			}
			e := api.EnvFromInput{Kind: &kind, Name: name}
			if prefix != "" {
				e.Prefix = &prefix
			}
			in.EnvFrom = append(in.EnvFrom, e)
		}
	}
	if w.changed("mount") {
		in.Files = nil
		for _, s := range w.mounts {
			src, path, ok := strings.Cut(s, "=")
			kind, name, err := parseSource(src)
			if !ok || err != nil || !strings.HasPrefix(path, "/") {
				return nil, usagef("invalid --mount %q: want config:NAME=/PATH or secret:NAME=/PATH", s)
			}
			in.Files = append(in.Files, api.FileMountInput{Kind: &kind, Name: name, Path: path})
		}
	}
	if w.changed("command") {
		in.Command = w.command
	}
	if w.changed("arg") {
		in.Args = w.args
	}
	if portsGiven {
		in.Ports = maps
	}
	set := func(flag string, v string, into **api.ResourceListInput, cpu bool) {
		if !w.changed(flag) {
			return
		}
		if *into == nil {
			*into = &api.ResourceListInput{}
		}
		var p *string
		if v != "" {
			p = &v
		}
		if cpu {
			(*into).Cpu = p
		} else {
			(*into).Memory = p
		}
	}
	if in.Resources == nil {
		in.Resources = &api.ResourcesInput{}
	}
	set("cpu", w.cpu, &in.Resources.Requests, true)
	set("cpu-limit", w.cpuLimit, &in.Resources.Limits, true)
	set("memory", w.memory, &in.Resources.Requests, false)
	set("memory-limit", w.memoryLimit, &in.Resources.Limits, false)
	for _, pr := range []struct {
		flag, v string
		into    **api.ProbeInput
	}{{"readiness", w.readiness, &in.Readiness}, {"liveness", w.liveness, &in.Liveness}} {
		if !w.changed(pr.flag) {
			continue
		}
		if pr.v == "" {
			*pr.into = nil // --readiness "" removes it
			continue
		}
		p, err := parseProbe(pr.flag, pr.v)
		if err != nil {
			return nil, err
		}
		*pr.into = p
	}
	return in, nil
}

// workloadInput is an app's current workload as an input to send back.
func workloadInput(x *api.AppFieldsWorkload) *api.WorkloadInput {
	if x == nil {
		return nil
	}
	r := x.Replicas
	in := &api.WorkloadInput{Image: x.Image, Command: x.Command, Args: x.Args, Replicas: &r,
		Resources: &api.ResourcesInput{
			Requests: &api.ResourceListInput{Cpu: x.Resources.Requests.Cpu, Memory: x.Resources.Requests.Memory},
			Limits:   &api.ResourceListInput{Cpu: x.Resources.Limits.Cpu, Memory: x.Resources.Limits.Memory}}}
	for _, e := range x.Env {
		v := api.EnvVarInput{Name: e.Name}
		if f := e.From; f != nil {
			kind := f.Kind
			v.From = &api.KeyRefInput{Kind: &kind, Name: f.Name, Key: f.Key}
		} else {
			val := e.Value
			v.Value = &val
		}
		in.Env = append(in.Env, v)
	}
	for _, e := range x.EnvFrom {
		kind := e.Kind
		in.EnvFrom = append(in.EnvFrom, api.EnvFromInput{Kind: &kind, Name: e.Name, Prefix: e.Prefix})
	}
	for _, f := range x.Files {
		kind := f.Kind
		in.Files = append(in.Files, api.FileMountInput{Kind: &kind, Name: f.Name, Path: f.Path})
	}
	for _, p := range x.Ports {
		pr := p.Protocol
		in.Ports = append(in.Ports, api.PortMappingInput{Port: p.Port, Protocol: &pr, ContainerPort: p.ContainerPort})
	}
	probe := func(f *api.ProbeFields) *api.ProbeInput {
		if f == nil {
			return nil
		}
		return &api.ProbeInput{Type: f.Type, Path: f.Path, Port: f.Port, Command: f.Command,
			InitialDelaySeconds: &f.InitialDelaySeconds, PeriodSeconds: &f.PeriodSeconds, TimeoutSeconds: &f.TimeoutSeconds,
			FailureThreshold: &f.FailureThreshold, SuccessThreshold: &f.SuccessThreshold}
	}
	if x.Readiness != nil {
		in.Readiness = probe(&x.Readiness.ProbeFields)
	}
	if x.Liveness != nil {
		in.Liveness = probe(&x.Liveness.ProbeFields)
	}
	return in
}

// readyString is an app's READY column: ready/desired replicas of its
// workload, and why its rollout is stuck; "-" for an app without one.
func readyString(x api.AppFields) string {
	switch {
	case x.Workload == nil && x.Export == nil:
		return "-"
	case x.Rollout == nil && x.Workload != nil:
		return fmt.Sprintf("0/%d", x.Workload.Replicas)
	case x.Rollout == nil:
		return "-"
	}
	r := x.Rollout.RolloutFields
	s := fmt.Sprintf("%d/%d", r.Ready, r.Desired)
	if r.Failing != nil {
		s += " failing: " + *r.Failing
	}
	return s
}

// backingString is an app's BACKENDS column: its fixed backends, image or
// exported Service.
func backingString(x api.AppFields) string {
	parts := append([]string(nil), x.Spec.Backends...)
	if x.Workload != nil {
		parts = append(parts, "image "+x.Workload.Image)
	}
	if x.Export != nil {
		parts = append(parts, "service "+x.Export.Namespace+"/"+x.Export.Name)
	}
	return strings.Join(parts, ",")
}

// waitRollout waits, for an app with a workload, until the Deployment of
// generation is rolled out: every desired replica updated, ready and
// available, as its cluster's agent reports (Rollout.done). It fails at
// once when the agent reports an error or a crash-looping pod for it.
func (a *app) waitRollout(ctx context.Context, c clientT, server, id, cluster string, generation int, w waitFlags) error {
	if !w.wait {
		return nil
	}
	if cl, err := a.clusterByName(ctx, c, server, cluster); err == nil && cl.Status.Kubernetes == nil {
		fmt.Fprintf(a.o.Stderr, "note: the agent of cluster %s has not reported Kubernetes mode; nothing runs the image until one does\n", cluster)
	}
	ctx, cancel := context.WithTimeout(ctx, w.timeout)
	defer cancel()
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	last := ""
	for {
		r, err := api.App(ctx, c, id, nil)
		if err != nil && ctx.Err() == nil {
			return explain("wait for the rollout", server, err)
		}
		if err == nil {
			if r.App == nil {
				return &Error{Err: fmt.Errorf("wait for the rollout: the app was deleted"), Code: ExitError}
			}
			x := r.App.AppFields
			line := "rollout not reported yet"
			if ro := x.Rollout; ro != nil {
				line = fmt.Sprintf("%d/%d ready, %d updated, %d available (generation %d of %d)", ro.Ready, ro.Desired, ro.Updated, ro.Available, ro.Generation, generation)
				if ro.Generation >= generation && ro.Done {
					fmt.Fprintf(a.o.Stderr, "rolled out: %s\n", line)
					return nil
				}
				if ro.Generation >= generation && ro.Failing != nil {
					return &Error{Err: fmt.Errorf("rollout of %s: %s", x.Name, *ro.Failing), Code: ExitError,
						Hint: "fix the app with weft app update; weft app get shows its state"}
				}
			}
			if line != last {
				fmt.Fprintf(a.o.Stderr, "waiting: %s\n", line)
				last = line
			}
		}
		select {
		case <-ctx.Done():
			if context.Cause(ctx) == context.Canceled {
				return ctx.Err()
			}
			return &Error{Err: fmt.Errorf("wait for the rollout: not done after %s: %s", w.timeout, last), Code: ExitError,
				Hint: "the change is recorded; is the cluster's agent running in Kubernetes mode?"}
		case <-t.C:
		}
	}
}
