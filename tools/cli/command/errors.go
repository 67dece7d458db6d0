package command

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"

	"weft.dev/tools/cli/api"
)

// Error is a failure as the user sees it: what failed and why (Err), what
// to do about it (Hint), and the exit code.
type Error struct {
	Err  error
	Hint string
	Code int
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// usage marks err as a problem with the command line (exit 2).
func usage(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Err: err, Code: ExitUsage, Hint: "see the command's --help"}
}

func usagef(format string, args ...any) error { return usage(fmt.Errorf(format, args...)) }

// explainCobra gives cobra's own errors (unknown commands, wrong argument
// counts) the usage exit code.
func explainCobra(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least", "invalid argument", "flag needs an argument", "required flag"} {
		if strings.HasPrefix(msg, p) || strings.Contains(msg, p) {
			return &Error{Err: err, Code: ExitUsage, Hint: "see weft --help"}
		}
	}
	return err
}

// hints per GraphQL error code (extensions.code), as stable as the codes.
var hints = map[string]string{
	api.CodeUnauthenticated: "your API token is missing, expired or revoked: run weft login --server URL",
	api.CodeForbidden:       "your role in this team does not allow it: ask a team admin, or check --team",
	api.CodeNotFound:        "check the name or id (weft <resource> list shows what exists) and the team (--team)",
	api.CodeConflict:        "something is in the way (the message says what: a name in use, dependents, a concurrent change): resolve it, then retry",
	api.CodeBadUserInput:    "fix the value the message names; see the command's --help",
	api.CodeUnavailable:     "the server is catching up or a service is down: retry in a moment (if its data was reset since your last change, run weft login again)",
	api.CodeInternal:        "the server failed; retry, and report it with the request id above if it persists",
}

// requestIDPattern finds the id an INTERNAL error's message carries.
var requestIDPattern = regexp.MustCompile(`request id \S+`)

// explain turns an API call's error into an Error saying what failed
// (action, e.g. "create cluster eu-1"), why, and what to do.
func explain(action, server string, err error) error {
	if err == nil {
		return nil
	}
	if p, ok := api.ProblemOf(err); ok {
		why := p.Message
		if why == "" {
			why = fmt.Sprintf("HTTP status %d", p.Status)
		}
		if p.Field != "" && !strings.Contains(why, p.Field) {
			why += " (field " + p.Field + ")"
		}
		if p.Code == api.CodeInternal && !requestIDPattern.MatchString(why) {
			why += "; no request id given"
		}
		code := ExitError
		if p.Code == api.CodeBadUserInput {
			code = ExitUsage
		}
		hint := hints[p.Code]
		if p.Code == api.CodeNotFound && strings.Contains(why, "was deleted") {
			hint = "that team was deleted: pick another with weft team use SLUG (weft team list shows yours)"
		}
		if hint == "" && p.Status == 401 {
			hint = hints[api.CodeUnauthenticated]
		}
		if p.Code != "" {
			why = p.Code + ": " + why
		}
		return &Error{Err: fmt.Errorf("%s: %s", action, why), Hint: hint, Code: code}
	}
	var ue *url.Error
	var ne net.Error
	if errors.As(err, &ue) || errors.As(err, &ne) {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("%s: %w", action, err)
		}
		return &Error{Err: fmt.Errorf("%s: cannot reach %s: %w", action, server, err), Code: ExitError,
			Hint: "is weft-server running there? check --server, WEFT_SERVER or the context (weft context list)"}
	}
	return fmt.Errorf("%s: %w", action, err)
}
