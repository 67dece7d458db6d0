// Package model holds the audit subgraph's GraphQL types, generated from
// the schema (models_gen.go).
package model
