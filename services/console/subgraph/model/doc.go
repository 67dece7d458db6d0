// Package model holds the console subgraph's GraphQL types: the generated
// ones (models_gen.go) and, in model.go, those written by hand to carry
// the ids their field resolvers follow.
package model
