// Package layering holds the test that keeps weft's module graph and its
// purest packages honest: a module requires only modules below it, and a
// service's domain and read model packages stay free of fx, gqlgen and
// NATS, and each binary links only what it needs (weft-server no tunnel,
// the agent and the CLI no NATS server nor jsm.go). It has no code of its own.
package layering
