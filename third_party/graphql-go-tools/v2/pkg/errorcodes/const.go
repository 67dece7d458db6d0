package errorcodes

const (
	// Apollo Gateway Compatibility
	BadUserInput            = "BAD_USER_INPUT"
	GraphQLValidationFailed = "GRAPHQL_VALIDATION_FAILED"
	InternalServerError     = "INTERNAL_SERVER_ERROR"
	InvalidGraphql          = "INVALID_GRAPHQL"

	// Apollo Router Compatibility
	ValidationInvalidTypeVariable = "VALIDATION_INVALID_TYPE_VARIABLE"

	// Flag unrelated
	UnauthorizedFieldOrType = "UNAUTHORIZED_FIELD_OR_TYPE"
)
