package clusterstate_test

import (
	"github.com/nats-io/nats.go"

	"weft.dev/events/clusterstate"
)

// An agent reports with its NATS connection.
var _ clusterstate.Publisher = (*nats.Conn)(nil)
