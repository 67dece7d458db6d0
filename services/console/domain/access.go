package domain

import "sort"

// Identity is who opens a connection, as the proxy knows it: the device it
// comes from and its owner, or the cluster (and environment) of an app.
// Empty fields are unknown and match only "all".
type Identity struct {
	UserID    string `json:"userId,omitempty"`
	DeviceID  string `json:"deviceId,omitempty"`
	ClusterID string `json:"clusterId,omitempty"`
	EnvID     string `json:"envId,omitempty"`
}

// Target is what a connection goes to: an app and its environment.
type Target struct {
	AppID string `json:"appId,omitempty"`
	EnvID string `json:"envId,omitempty"`
}

// Verdict is the outcome of Decide: allowed or not, and by which policy
// (PolicyID empty: no policy matched, the team default allowed it).
type Verdict struct {
	Allow      bool   `json:"allow"`
	PolicyID   string `json:"policyId,omitempty"`
	PolicyName string `json:"policyName,omitempty"`
}

// Decide evaluates a team's policies for one connection. The matching
// policy with the highest priority decides; among matching policies of that
// priority a deny wins (then the lowest name, so the verdict names one
// policy deterministically). When nothing matches the connection is
// allowed: a team's default is allow. Deleted policies are ignored.
func Decide(policies []Policy, src Identity, dst Target) Verdict {
	var match []Policy
	for _, p := range policies {
		if p.Exists() && matchesSource(p.Rule.Sources, src) && matchesTarget(p.Rule.Targets, dst) {
			match = append(match, p)
		}
	}
	if len(match) == 0 {
		return Verdict{Allow: true}
	}
	sort.Slice(match, func(i, j int) bool {
		a, b := match[i], match[j]
		if a.Rule.Priority != b.Rule.Priority {
			return a.Rule.Priority > b.Rule.Priority
		}
		if a.Rule.Action != b.Rule.Action {
			return a.Rule.Action == Deny
		}
		return a.Name < b.Name
	})
	w := match[0]
	return Verdict{Allow: w.Rule.Action == Allow, PolicyID: w.ID, PolicyName: w.Name}
}

func matchesSource(subs []Subject, id Identity) bool {
	for _, s := range subs {
		var have string
		switch s.Kind {
		case SubjectAll:
			return true
		case SubjectDevice:
			have = id.DeviceID
		case SubjectUser:
			have = id.UserID
		case SubjectCluster:
			have = id.ClusterID
		case SubjectEnv:
			have = id.EnvID
		}
		if have != "" && have == s.ID {
			return true
		}
	}
	return false
}

func matchesTarget(subs []Subject, t Target) bool {
	for _, s := range subs {
		var have string
		switch s.Kind {
		case SubjectAll:
			return true
		case SubjectApp:
			have = t.AppID
		case SubjectEnv:
			have = t.EnvID
		}
		if have != "" && have == s.ID {
			return true
		}
	}
	return false
}
