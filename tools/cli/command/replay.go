package command

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/output"
)

// auditCredentialsCmd is weft audit credentials: NATS credentials that
// read only the team's events, for an auditor's own replay tools.
func (a *app) auditCredentialsCmd() *cobra.Command {
	var expiresIn string
	cmd := &cobra.Command{
		Use:   "credentials",
		Short: "Issue NATS credentials that read only the team's events, for your own replay tools (auditors and owners)",
		Long: `credentials issues a NATS user that may read the team's events in the log
(subjects ev.<team>.>) with direct gets and ordered consumers, and nothing
else: no other team's events, no writes, deletes or purges. Every request
goes through weft's guard at the printed API prefix. The credentials stand
for a grant, a token of yours that expires (--expires-in, 1h by default, at
most 24h): weft token revoke ID ends them at the next read, and so does
losing the auditor or owner role. docs/auditing.md shows a replay client.`,
		Example: `  weft audit credentials
  weft audit credentials --expires-in 4h -o json > replay.json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			in := &api.ReplayCredentialsInput{}
			if expiresIn != "" {
				in.ExpiresIn = &expiresIn
			}
			r, err := api.IssueReplayCredentials(cmd.Context(), c, in)
			if err != nil {
				p, _ := api.ProblemOf(err)
				err = explain("issue replay credentials", ep.Server, err)
				// Here UNAVAILABLE is not a server catching up: it is one
				// whose NATS no replay client can reach (the message says
				// why), which retrying does not change.
				var e *Error
				if p.Code == api.CodeUnavailable && errors.As(err, &e) {
					e.Hint = "ask the server's operator: replay credentials need weft-server's embedded NATS reachable by you (--nats-listen, --nats-advertise); with an external NATS its operator issues read-only users (docs/auditing.md)"
				}
				return err
			}
			p := r.IssueReplayCredentials
			if a.format() != output.Table {
				return a.render(cmd, p.Credentials, nil)
			}
			k := p.Credentials
			fmt.Fprintf(cmd.OutOrStdout(), `Replay credentials for %s %s, until %s (grant %s; weft token revoke %s ends them).
The password is shown only this once.

  NATS URL         %s
  user             %s
  password         %s
  API prefix       %s   (jetstream.NewWithAPIPrefix)
  inbox prefix     %s   (nats.CustomInboxPrefix)
  consumer prefix  %s   (OrderedConsumerConfig.NamePrefix)
  stream           %s, subjects %s
`, k.Subjects, seqNote(p.Seq), ts(k.Token.ExpiresAt), k.Token.Id, k.Token.Id,
				k.NatsUrl, k.User, k.Password, k.ApiPrefix, k.InboxPrefix, k.ConsumerPrefix, k.Stream, k.Subjects)
			return nil
		},
	}
	cmd.Flags().StringVar(&expiresIn, "expires-in", "", "how long the credentials last: 1m to 24h (default 1h)")
	return cmd
}
