package platform_test

import (
	"testing"

	"weft.dev/events"
	"weft.dev/events/eventstest"
	accounts "weft.dev/services/accounts/domain"
	console "weft.dev/services/console/domain"
	infra "weft.dev/services/infra/domain"
	"weft.dev/services/uniq"
)

// Every event type a weft service registers (each module contributes one of
// these through EventTypes) is stored byte for byte as encoding/json writes
// it, though the store writes most of them with its own encoder.
func TestEveryEventTypeIsStoredExactlyAsEncodingJSONWritesIt(t *testing.T) {
	r := events.NewRegistry()
	for _, register := range []func(*events.Registry){accounts.Register, console.Register, infra.Register, uniq.Register} {
		register(r)
	}
	eventstest.CheckEncoding(t, r, 300)
}
