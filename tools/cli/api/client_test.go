package api

import (
	"errors"
	"fmt"
	"testing"

	"github.com/Khan/genqlient/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

func TestGraphQLURLAppendsTheGatewayPathAndRefusesNonHTTP(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"http://127.0.0.1:4000":            "http://127.0.0.1:4000/graphql",
		"http://127.0.0.1:4000/":           "http://127.0.0.1:4000/graphql",
		"https://weft.example.com/graphql": "https://weft.example.com/graphql",
		"https://example.com/weft":         "https://example.com/weft/graphql",
	} {
		got, err := GraphQLURL(in)
		if err != nil || got != want {
			t.Errorf("GraphQLURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "127.0.0.1:4000", "ftp://x", "http://"} {
		if _, err := GraphQLURL(bad); err == nil {
			t.Errorf("GraphQLURL(%q) accepted", bad)
		}
	}
}

func TestProblemOfReadsCodeAndFieldFromEveryErrorShape(t *testing.T) {
	t.Parallel()
	e := &gqlerror.Error{Message: "bad slug", Extensions: map[string]any{"code": "BAD_USER_INPUT", "field": "slug"}}
	for name, err := range map[string]error{
		"list":    gqlerror.List{e},
		"wrapped": fmt.Errorf("create team: %w", gqlerror.List{e}),
		"http":    &graphql.HTTPError{StatusCode: 400, Response: graphql.Response{Errors: gqlerror.List{e}}},
	} {
		p, ok := ProblemOf(err)
		if !ok || p.Code != CodeBadUserInput || p.Field != "slug" || p.Message != "bad slug" {
			t.Errorf("%s: ProblemOf = %+v, %v", name, p, ok)
		}
	}
	if _, ok := ProblemOf(errors.New("dial tcp: refused")); ok {
		t.Error("a network error was read as a GraphQL problem")
	}
}
