package validate

import (
	"regexp"
	"strings"

	"weft.dev/kernel/fault"
)

// Container image references, after the grammar of
// github.com/distribution/reference: [host[:port]/]path[:tag][@digest],
// path components lowercase, the whole name at most 255 characters.
var (
	imageHost      = `(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?`
	imageComponent = `[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*`
	imageName      = regexp.MustCompile(`^(?:` + imageHost + `/)?` + imageComponent + `(?:/` + imageComponent + `)*$`)
	imageTag       = regexp.MustCompile(`^[\w][\w.-]{0,127}$`)
	imageDigest    = regexp.MustCompile(`^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$`)
	envVarName     = regexp.MustCompile(`^[-._a-zA-Z][-._a-zA-Z0-9]*$`)
)

// Image checks a container image reference such as ghcr.io/acme/api:1.4,
// postgres, or registry:5000/team/app@sha256:<64 hex>.
func Image(field, s string) error {
	if s == "" {
		return fault.Invalidf(field, "is required")
	}
	if len(s) > 512 || strings.ContainsAny(s, " \t\r\n") {
		return fault.Invalidf(field, "%q is not an image reference", s)
	}
	rest := s
	if i := strings.IndexByte(rest, '@'); i >= 0 {
		if !imageDigest.MatchString(rest[i+1:]) {
			return fault.Invalidf(field, "%q has an invalid digest (like sha256:<64 hex digits>)", s)
		}
		rest = rest[:i]
	}
	// A tag follows the last colon after the last slash (a colon before it
	// is the registry's port).
	if i := strings.LastIndexByte(rest, ':'); i > strings.LastIndexByte(rest, '/') {
		if !imageTag.MatchString(rest[i+1:]) {
			return fault.Invalidf(field, "%q has an invalid tag (letters, digits, '_', '.', '-'; at most 128)", s)
		}
		rest = rest[:i]
	}
	if len(rest) > 255 {
		return fault.Invalidf(field, "%q: the repository name is longer than 255 characters", s)
	}
	if !imageName.MatchString(rest) {
		return fault.Invalidf(field, "%q is not an image reference (like ghcr.io/acme/api:1.4; repository path in lowercase)", s)
	}
	return nil
}

// EnvVarName checks an environment variable's name as Kubernetes does:
// letters, digits, '_', '-', '.', not starting with a digit.
func EnvVarName(field, s string) error {
	if s == "" {
		return fault.Invalidf(field, "is required")
	}
	if len(s) > 256 || !envVarName.MatchString(s) {
		return fault.Invalidf(field, "%q is not an environment variable name (letters, digits, '_', '-', '.'; not starting with a digit)", s)
	}
	return nil
}

// ResourceQuantity parses a Kubernetes resource quantity ("250m", "0.5",
// "128Mi", "1G") that must be more than zero (ParseQuantity).
func ResourceQuantity(field, s string) (Quantity, error) {
	q, err := ParseQuantity(field, s)
	if err != nil {
		return Quantity{}, err
	}
	if q.Value.Sign() <= 0 {
		return Quantity{}, fault.Invalidf(field, "%q must be more than zero", s)
	}
	return q, nil
}
