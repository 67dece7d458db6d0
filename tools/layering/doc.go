// Package layering holds the test that keeps weft's module graph and its
// purest packages honest: a module requires only modules below it, and a
// service's domain and read model packages stay free of fx, gqlgen and
// NATS. It has no code of its own.
package layering
