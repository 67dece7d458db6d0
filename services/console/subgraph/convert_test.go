package subgraph

import (
	"strings"
	"testing"

	"weft.dev/services/console/subgraph/model"
)

// upper gives what strings.ToUpper gave, for known values, unknown ones
// and non-ASCII spellings alike.
func TestUpperIsToUpper(t *testing.T) {
	for _, v := range []string{"tcp", "udp", "http", "round_robin", "random", "failover", "TCP", "Http", "", "sctp", "ſtcp", "http\u212a"} {
		if got, want := upper(model.AllProtocol, v), model.Protocol(strings.ToUpper(v)); got != want {
			t.Errorf("upper(%q) = %q, want %q", v, got, want)
		}
		if got, want := upper(model.AllLBMode, v), model.LBMode(strings.ToUpper(v)); got != want {
			t.Errorf("upper(%q) = %q, want %q", v, got, want)
		}
	}
}
