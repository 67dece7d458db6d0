// Package model holds the infra subgraph's GraphQL types, generated from
// the schema (models_gen.go).
package model
