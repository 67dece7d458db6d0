package command

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/output"
)

// policyRows shows each subject as the flags take it (device:laptop,
// app:prod/api); wide adds its id. A subject whose resource is gone shows
// its id.
func policyRows(items []api.PolicyFields, wide bool) output.Rows {
	t := output.Rows{Header: []string{"NAME", "ACTION", "PRIORITY", "FROM", "TO", "DESCRIPTION"}}
	subj := func(ss []api.SubjectFields) string {
		var out []string
		for _, s := range ss {
			out = append(out, subjectString(s, wide))
		}
		return strings.Join(out, ",")
	}
	for _, p := range items {
		var sources, targets []api.SubjectFields
		for _, s := range p.Rule.Sources {
			sources = append(sources, s.SubjectFields)
		}
		for _, s := range p.Rule.Targets {
			targets = append(targets, s.SubjectFields)
		}
		t.Rows = append(t.Rows, []string{p.Name, string(p.Rule.Action), fmt.Sprint(p.Rule.Priority), subj(sources), subj(targets), str(p.Rule.Description)})
	}
	return t
}

func subjectString(s api.SubjectFields, wide bool) string {
	k := strings.ToLower(string(s.Kind))
	if s.Id == nil {
		return k
	}
	name := ""
	if s.Name != nil {
		name = *s.Name
	} else if s.User != nil {
		name = s.User.Username
	}
	switch {
	case name == "":
		return k + ":" + *s.Id + " (gone)"
	case wide:
		return k + ":" + name + " (" + *s.Id + ")"
	}
	return k + ":" + name
}

func listPolicies(ctx context.Context, c clientT) ([]api.PolicyFields, error) {
	return collect(ctx, func(ctx context.Context, n int, after *string) ([]api.PolicyFields, bool, *string, error) {
		r, err := api.Policies(ctx, c, &n, after, nil)
		if err != nil {
			return nil, false, nil, err
		}
		var out []api.PolicyFields
		for _, e := range r.Policies.Edges {
			out = append(out, e.Node.PolicyFields)
		}
		return out, r.Policies.PageInfo.HasNextPage, r.Policies.PageInfo.EndCursor, nil
	})
}

func (a *app) policyByName(ctx context.Context, c clientT, server, name string) (*api.PolicyFields, error) {
	if err := checkName("policy", name); err != nil {
		return nil, err
	}
	all, err := listPolicies(ctx, c)
	if err != nil {
		return nil, explain("find policy "+name, server, err)
	}
	for _, p := range all {
		if p.Name == name {
			return &p, nil
		}
	}
	return nil, &Error{Err: fmt.Errorf("find policy %s: no such policy", name), Code: ExitError, Hint: "list policies with: weft policy list"}
}

// subjectSyntax is what --from and --to accept.
const subjectSyntax = "all, device:NAME, user:USERNAME, cluster:NAME, env:NAME, app:NAME or app:ENV/NAME"

// parseSubject checks a --from/--to value without calling the server.
func parseSubject(s string) (kind api.SubjectKind, ref string, err error) {
	k, ref, _ := strings.Cut(s, ":")
	kind = api.SubjectKind(strings.ToUpper(k))
	switch kind {
	case api.SubjectKindAll:
		if ref != "" {
			return "", "", usagef("invalid subject %q: all takes no name", s)
		}
		return kind, "", nil
	case api.SubjectKindDevice, api.SubjectKindCluster, api.SubjectKindEnv:
		if err := checkName(strings.ToLower(k), ref); err != nil {
			return "", "", err
		}
	case api.SubjectKindApp:
		env, name, ok := strings.Cut(ref, "/")
		if ok {
			if err := checkName("environment", env); err != nil {
				return "", "", err
			}
		} else {
			name = env
		}
		if err := checkName("app", name); err != nil {
			return "", "", err
		}
	case api.SubjectKindUser:
		if err := checkUsername(ref); err != nil {
			return "", "", err
		}
	default:
		return "", "", usagef("invalid subject %q: want %s", s, subjectSyntax)
	}
	return kind, ref, nil
}

// resolveSubject turns a name into the id the API takes.
func (a *app) resolveSubject(ctx context.Context, c clientT, server, s string) (api.SubjectInput, error) {
	kind, ref, err := parseSubject(s)
	if err != nil {
		return api.SubjectInput{}, err
	}
	in := api.SubjectInput{Kind: kind}
	var id string
	switch kind {
	case api.SubjectKindAll:
		return in, nil
	case api.SubjectKindDevice:
		d, err := a.deviceByName(ctx, c, server, ref)
		if err != nil {
			return in, err
		}
		id = d.Id
	case api.SubjectKindCluster:
		cl, err := a.clusterByName(ctx, c, server, ref)
		if err != nil {
			return in, err
		}
		id = cl.Id
	case api.SubjectKindEnv:
		r, err := api.EnvironmentByName(ctx, c, ref, nil)
		if err != nil {
			return in, explain("find environment "+ref, server, err)
		}
		if r.Environment == nil {
			return in, &Error{Err: fmt.Errorf("find environment %s: no such environment", ref), Code: ExitError, Hint: "list environments with: weft env list"}
		}
		id = r.Environment.Id
	case api.SubjectKindApp:
		env, name, ok := strings.Cut(ref, "/")
		if !ok {
			env, name = "", ref
		}
		x, err := a.appByName(ctx, c, server, env, name)
		if err != nil {
			return in, err
		}
		id = x.Id
	case api.SubjectKindUser:
		members, err := collect(ctx, func(ctx context.Context, n int, after *string) ([]api.MemberFields, bool, *string, error) {
			r, err := api.Members(ctx, c, &n, after, nil, nil)
			if err != nil || r.Team == nil {
				return nil, false, nil, err
			}
			var out []api.MemberFields
			for _, e := range r.Team.Members.Edges {
				out = append(out, e.Node.MemberFields)
			}
			return out, r.Team.Members.PageInfo.HasNextPage, r.Team.Members.PageInfo.EndCursor, nil
		})
		if err != nil {
			return in, explain("find user "+ref, server, err)
		}
		for _, m := range members {
			if m.User.Username == ref {
				id = m.User.Id
			}
		}
		if id == "" {
			return in, &Error{Err: fmt.Errorf("find user %s: not a member of this team", ref), Code: ExitError, Hint: "list members with: weft member list"}
		}
	}
	in.Id = &id
	return in, nil
}

type ruleFlags struct {
	allow, deny bool
	priority    int
	from, to    []string
	description string
	prioritySet bool
}

func (r *ruleFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.BoolVar(&r.allow, "allow", false, "allow matching connections")
	fs.BoolVar(&r.deny, "deny", false, "deny matching connections")
	fs.IntVar(&r.priority, "priority", 0, "evaluation order: higher first (default: the server's)")
	fs.StringSliceVar(&r.from, "from", nil, "source, repeatable: "+subjectSyntax)
	fs.StringSliceVar(&r.to, "to", nil, "target, repeatable: "+subjectSyntax)
	fs.StringVar(&r.description, "description", "", "why the policy exists")
}

// check validates the flags before any request.
func (r *ruleFlags) check(cmd *cobra.Command) error {
	if r.allow == r.deny {
		return usagef("say exactly one of --allow or --deny")
	}
	if len(r.from) == 0 || len(r.to) == 0 {
		return usagef("a policy needs at least one --from and one --to (%s)", subjectSyntax)
	}
	for _, s := range append(append([]string{}, r.from...), r.to...) {
		if _, _, err := parseSubject(s); err != nil {
			return err
		}
	}
	r.prioritySet = cmd.Flags().Changed("priority")
	return nil
}

func (r *ruleFlags) input(ctx context.Context, a *app, c clientT, server string) (api.RuleInput, error) {
	in := api.RuleInput{Action: api.PolicyActionAllow, Sources: []api.SubjectInput{}, Targets: []api.SubjectInput{}}
	if r.deny {
		in.Action = api.PolicyActionDeny
	}
	if r.prioritySet {
		in.Priority = &r.priority
	}
	if r.description != "" {
		in.Description = &r.description
	}
	for _, s := range r.from {
		sub, err := a.resolveSubject(ctx, c, server, s)
		if err != nil {
			return in, err
		}
		in.Sources = append(in.Sources, sub)
	}
	for _, s := range r.to {
		sub, err := a.resolveSubject(ctx, c, server, s)
		if err != nil {
			return in, err
		}
		in.Targets = append(in.Targets, sub)
	}
	return in, nil
}

func (a *app) policyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "policy",
		Aliases: []string{"policies"},
		Short:   "Create, list, show, update and delete access policies",
		Long: `Access policies allow or deny connections from sources to targets; the
proxy checks them on every new connection, highest priority first. With no
matching policy, a connection is allowed.`,
		Example: `  weft policy create staging-not-api --deny --from env:staging --to app:prod/api --priority 100
  weft policy list
  weft policy delete staging-not-api`,
	}
	var rf ruleFlags
	var wait waitFlags
	create := &cobra.Command{
		Use:     "create NAME (--allow|--deny) --from SUBJECT --to SUBJECT",
		Short:   "Create an access policy (admins)",
		Example: `  weft policy create laptops-to-api --allow --from device:laptop --to app:prod/api`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("policy", args[0]); err != nil {
				return err
			}
			if err := rf.check(cmd); err != nil {
				return err
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			rule, err := rf.input(cmd.Context(), a, c, ep.Server)
			if err != nil {
				return err
			}
			r, err := api.CreatePolicy(cmd.Context(), c, api.CreatePolicyInput{Name: args[0], Rule: rule})
			if err != nil {
				return explain("create policy "+args[0], ep.Server, err)
			}
			p := r.CreatePolicy.Policy.PolicyFields
			if err := a.render(cmd, r.CreatePolicy, func() output.Rows { return policyRows([]api.PolicyFields{p}, a.global.wide) }); err != nil {
				return err
			}
			return a.waitApplied(cmd.Context(), c, ep.Server, r.CreatePolicy.Seq, wait, nil)
		},
	}
	rf.register(create)
	wait.register(create)

	var uf ruleFlags
	update := &cobra.Command{
		Use:     "update NAME (--allow|--deny) --from SUBJECT --to SUBJECT",
		Short:   "Replace a policy's rule (admins)",
		Example: `  weft policy update laptops-to-api --deny --from device:laptop --to app:prod/api`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("policy", args[0]); err != nil {
				return err
			}
			if err := uf.check(cmd); err != nil {
				return err
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			p, err := a.policyByName(cmd.Context(), c, ep.Server, args[0])
			if err != nil {
				return err
			}
			rule, err := uf.input(cmd.Context(), a, c, ep.Server)
			if err != nil {
				return err
			}
			r, err := api.UpdatePolicy(cmd.Context(), c, api.UpdatePolicyInput{Id: p.Id, Rule: rule})
			if err != nil {
				return explain("update policy "+args[0], ep.Server, err)
			}
			q := r.UpdatePolicy.Policy.PolicyFields
			if err := a.render(cmd, r.UpdatePolicy, func() output.Rows { return policyRows([]api.PolicyFields{q}, a.global.wide) }); err != nil {
				return err
			}
			return a.waitApplied(cmd.Context(), c, ep.Server, r.UpdatePolicy.Seq, wait, nil)
		},
	}
	uf.register(update)
	wait.register(update)

	list := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List policies in evaluation order",
		Example: `  weft policy list -o yaml`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			items, err := listPolicies(cmd.Context(), c)
			if err != nil {
				return explain("list policies", ep.Server, err)
			}
			return a.render(cmd, items, func() output.Rows { return policyRows(items, a.global.wide) })
		},
	}
	get := &cobra.Command{
		Use:     "get NAME",
		Short:   "Show a policy",
		Example: `  weft policy get staging-not-api -o json`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			p, err := a.policyByName(cmd.Context(), c, ep.Server, args[0])
			if err != nil {
				return err
			}
			return a.render(cmd, p, func() output.Rows { return policyRows([]api.PolicyFields{*p}, a.global.wide) })
		},
	}
	del := &cobra.Command{
		Use:     "delete NAME",
		Aliases: []string{"rm"},
		Short:   "Delete a policy (admins)",
		Example: `  weft policy delete staging-not-api`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			p, err := a.policyByName(cmd.Context(), c, ep.Server, args[0])
			if err != nil {
				return err
			}
			r, err := api.DeletePolicy(cmd.Context(), c, p.Id)
			if err != nil {
				return explain("delete policy "+args[0], ep.Server, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted policy %s %s.\n", args[0], seqNote(r.DeletePolicy.Seq))
			return a.waitApplied(cmd.Context(), c, ep.Server, r.DeletePolicy.Seq, wait, nil)
		},
	}
	wait.register(del)
	cmd.AddCommand(create, list, get, update, del)
	return cmd
}
