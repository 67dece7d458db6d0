package command

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// refuseUnknown makes every command group (a command that only holds
// subcommands) refuse an argument it does not know, with exit code 2 and
// the nearest names. Cobra alone prints the group's help and exits 0 for
// "weft team selct acme", so a script would carry on in the wrong team.
func refuseUnknown(c *cobra.Command) {
	for _, sub := range c.Commands() {
		refuseUnknown(sub)
	}
	if !c.HasSubCommands() || c.Runnable() {
		return
	}
	c.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		return unknownCommand(cmd, args[0])
	}
	c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
}

// unknownCommand is the usage error for a subcommand name that group
// does not have.
func unknownCommand(group *cobra.Command, name string) error {
	var names []string
	for _, sub := range group.Commands() {
		if !sub.IsAvailableCommand() {
			continue
		}
		for _, n := range append([]string{sub.Name()}, sub.Aliases...) {
			if near(name, n) {
				names = append(names, sub.Name())
				break
			}
		}
	}
	err := fmt.Errorf("unknown command %q for %q%s", name, group.CommandPath(), didYouMean(names))
	return &Error{Err: err, Code: ExitUsage, Hint: "see " + group.CommandPath() + " --help"}
}

// unknownFlag adds the nearest flags of cmd to pflag's error for a flag
// it does not know ("unknown flag: --tpye", "unknown shorthand flag: 'x'
// in -x"). Other flag errors pass unchanged.
func unknownFlag(cmd *cobra.Command, err error) error {
	msg := err.Error()
	typed, ok := strings.CutPrefix(msg, "unknown flag: --")
	if !ok {
		return usage(err)
	}
	typed, _, _ = strings.Cut(typed, "=")
	var names []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if !f.Hidden && near(typed, f.Name) {
			names = append(names, "--"+f.Name)
		}
	})
	return &Error{Err: fmt.Errorf("%s%s", msg, didYouMean(names)), Code: ExitUsage, Hint: "see " + cmd.CommandPath() + " --help"}
}

func didYouMean(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return " (did you mean " + strings.Join(names, " or ") + "?)"
}

// near reports whether a person who typed typed probably meant name: a
// prefix of it, or at most two edits away (a third of a short name).
func near(typed, name string) bool {
	typed, name = strings.ToLower(typed), strings.ToLower(name)
	if typed == "" {
		return false
	}
	if strings.HasPrefix(name, typed) {
		return true
	}
	limit := min(2, max(1, len(name)/3))
	return editDistance(typed, name) <= limit
}

// editDistance is the optimal string alignment distance between a and
// b: insertions, deletions, substitutions and swaps of neighbours ("tpye")
// each count one. Bytes: names and flags are ASCII.
func editDistance(a, b string) int {
	// d[i][j] is the distance between a[:i] and b[:j].
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
