package clusterstate_test

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"

	"weft.dev/events/clusterstate"
)

// The fast decoders must give what encoding/json gives, value and error
// alike, for whatever bytes they get.
func sameAsEncodingJSON[T any](t *testing.T, in []byte, fast func([]byte) (T, error)) {
	t.Helper()
	var want T
	wantErr := json.Unmarshal(in, &want)
	got, err := fast(in)
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("%q: error %v, encoding/json %v", in, err, wantErr)
	}
	if err == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\n got %#v\nwant %#v", in, got, want)
	}
}

func TestDecodePeerAndRecordAgreeWithEncodingJSONOnWhatTheOfficeWritesAndOnAnythingElse(t *testing.T) {
	peers := []clusterstate.Peer{
		{ID: "d1", Kind: "device", Name: "laptop", PublicKey: "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=", AllowedIPs: []string{"100.64.0.9/32"}},
		{ID: "c1", Kind: "gateway", Name: "eu-1", PublicKey: "k", AllowedIPs: []string{"100.64.0.1/32", "100.80.0.0/20"}, Endpoint: "198.51.100.2:51820", Keepalive: 25},
		{ID: "x", Name: "<b>&'é名\u2028", AllowedIPs: []string{}},
		{},
	}
	records := []clusterstate.Record{
		{ID: "a1", Name: "api.prod.acme.weft.internal", IPs: []string{"100.80.0.1"}, TTL: 30, Ports: []clusterstate.Port{{Port: 80, Protocol: "tcp"}, {Name: "http", Port: 8080, Protocol: "tcp", TargetPort: 3000}}},
		{ID: "d1", Name: "laptop.acme.weft.internal", IPs: []string{"100.64.0.9"}, TTL: 30},
		{ID: "q\"uote\\", Name: "tab\there", TTL: -1, Ports: []clusterstate.Port{}},
	}
	var inputs [][]byte
	for _, p := range peers {
		b, _ := json.Marshal(p)
		inputs = append(inputs, b)
	}
	for _, r := range records {
		b, _ := json.Marshal(r)
		inputs = append(inputs, b)
	}
	inputs = append(inputs,
		[]byte(` { "id" : "a" , "ips" : null , "ttl" : 0 } `),
		[]byte(`{"ID":"case differs"}`),
		[]byte(`{"id":"a","id":"b","allowedIps":["x"],"allowedIps":["y","z"]}`),
		[]byte(`{"ttl":1.5}`), []byte(`{"ttl":1e3}`), []byte(`{"ttl":01}`), []byte(`{"ttl":-}`), []byte(`{"ttl":12345678901234567890}`),
		[]byte(`{"id":"a"} x`), []byte(`{"id":"a",}`), []byte(`{"id":}`), []byte(`{"id":"\u0041"}`), []byte("{\"id\":\"\xff\"}"),
		[]byte(`{"ports":[{"port":1},{"port":2,"extra":true}]}`), []byte(`{"allowedIps":[1]}`), []byte(`null`), []byte(``), []byte(`[]`),
		[]byte(`{"keepaliveSeconds":null}`), []byte(`{"ips":[],"ports":null}`), []byte(`{"name":"a"`),
	)
	// And every input cut short and with a byte changed.
	rng := rand.New(rand.NewPCG(1, 2))
	n := len(inputs)
	for _, in := range inputs[:n] {
		for range 20 {
			if len(in) == 0 {
				break
			}
			cut := in[:rng.IntN(len(in))]
			flip := append([]byte(nil), in...)
			flip[rng.IntN(len(flip))] = "{}[]\",:0a-\\ n"[rng.IntN(13)]
			inputs = append(inputs, cut, flip)
		}
	}
	for _, in := range inputs {
		sameAsEncodingJSON(t, in, clusterstate.DecodePeer)
		sameAsEncodingJSON(t, in, clusterstate.DecodeRecord)
	}
}

func BenchmarkDecodePeer(b *testing.B) {
	in, _ := json.Marshal(clusterstate.Peer{ID: "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", Kind: "device", Name: "d01234",
		PublicKey: "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=", AllowedIPs: []string{"100.64.12.34/32"}})
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			if _, err := clusterstate.DecodePeer(in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			var p clusterstate.Peer
			if err := json.Unmarshal(in, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
}
