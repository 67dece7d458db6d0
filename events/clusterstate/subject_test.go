package clusterstate_test

import (
	"testing"

	"weft.dev/events/clusterstate"
)

func TestSubjectsOfBothStreamsParseBackAndOthersAreRefused(t *testing.T) {
	for _, c := range []struct{ team, cluster, kind, id, scope string }{
		{"acme", "c1", clusterstate.KindSelf, "", "c1"},
		{"acme", "c1", clusterstate.KindRoute, "a1", "c1"},
		{"acme", "c1", clusterstate.KindPeer, "d1", "acme"},
		{"acme", "c1", clusterstate.KindDNS, "d1", "acme"},
		{"acme", "c1", clusterstate.KindNamespace, "e1", "c1"},
		{"acme", "c1", clusterstate.KindWorkload, "a1", "c1"},
		{"acme", "c1", clusterstate.KindExport, "a1", "c1"},
		{"acme", "c1", clusterstate.KindImport, "a1", "c1"},
	} {
		subj := clusterstate.Subject(c.team, c.cluster, c.kind, c.id)
		scope, kind, id, err := clusterstate.ParseSubject(subj)
		if err != nil || scope != c.scope || kind != c.kind || id != c.id {
			t.Errorf("%s: %q %q %q %v", subj, scope, kind, id, err)
		}
		if k, i := clusterstate.ParseKey(clusterstate.Key(c.kind, c.id)); k != c.kind || i != c.id {
			t.Errorf("key of %s/%s parses to %s/%s", c.kind, c.id, k, i)
		}
	}
	for _, bad := range []string{"", "cl", "cl.c1", "cl..self", "cl.c1.self.x", "cl.c1.peer.d1", "cl.c1.route.", "cl.c1.route.a.b",
		"tm.acme.route.a1", "tm.acme.self", "tm.acme.workload.a1", "cl.c1.dns.a1", "cl.c1.deployment.a1", "cl.c1.workload.a.b", "tm.acme.dns", "tm..dns.d1", "ts.acme.0", "ev.acme.device.d1"} {
		if _, _, _, err := clusterstate.ParseSubject(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestCheckTokenRefusesWhatCannotNameAStream(t *testing.T) {
	for _, ok := range []string{"acme", "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"} {
		if err := clusterstate.CheckToken("team", ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "a.b", "a*", "a>", "a b", "../x", `a\b`} {
		if err := clusterstate.CheckToken("team", bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
