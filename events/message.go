package events

import (
	"github.com/nats-io/nats.go"

	"weft.dev/events/chain"
)

// BuildMessage returns the message Append would publish for ev as the
// first event of its aggregate, without publishing it: for bulk loaders
// and benchmarks that fill a stream fast.
func BuildMessage(s *Store, ev Event) (*nats.Msg, error) {
	o, _, err := s.message(ev)
	if err != nil {
		return nil, err
	}
	o.link(chain.Genesis)
	return &o.msg, nil
}
