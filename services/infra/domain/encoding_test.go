package domain_test

import (
	"testing"

	"weft.dev/events"
	"weft.dev/events/eventstest"
	"weft.dev/services/infra/domain"
)

func TestEventDataIsStoredExactlyAsEncodingJSONWritesIt(t *testing.T) {
	r := events.NewRegistry()
	domain.Register(r)
	eventstest.CheckEncoding(t, r, 300)
}
