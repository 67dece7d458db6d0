package uniq_test

import (
	"testing"

	"weft.dev/events"
	"weft.dev/events/eventstest"
	"weft.dev/services/uniq"
)

func TestEventDataIsStoredExactlyAsEncodingJSONWritesIt(t *testing.T) {
	r := events.NewRegistry()
	uniq.Register(r)
	eventstest.CheckEncoding(t, r, 300)
}
