package apollocompatibility

type Flags struct {
	ReplaceInvalidVarError           bool
	UseGraphQLValidationFailedStatus bool
}

type ApolloRouterFlags struct {
	ReplaceInvalidVarError bool
}
