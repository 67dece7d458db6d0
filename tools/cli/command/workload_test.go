package command

import (
	"errors"
	"reflect"
	"testing"

	"weft.dev/tools/cli/api"
)

func TestPortsWithContainerPortsAndProbesParseOrAreUsageErrors(t *testing.T) {
	for in, want := range map[string][3]any{
		"80": {80, "TCP", 0}, "80:8080": {80, "TCP", 8080}, "80:8080/http": {80, "HTTP", 8080}, "53/udp": {53, "UDP", 0},
	} {
		p, pr, cp, err := parsePortMap(in)
		if err != nil || p != want[0] || pr != want[1] || cp != want[2] {
			t.Errorf("%s: %d %s %d %v", in, p, pr, cp, err)
		}
	}
	for _, bad := range []string{"80:", "80:0", "80:x/http", ":80", "80:8080/sctp", "70000:80"} {
		if _, _, _, err := parsePortMap(bad); !isUsage(err) {
			t.Errorf("%s: %v, want a usage error", bad, err)
		}
	}
	port := 8080
	path := "/healthz"
	root := "/"
	for in, want := range map[string]api.ProbeInput{
		"http":              {Type: api.ProbeTypeHttp},
		"http/healthz":      {Type: api.ProbeTypeHttp, Path: &path},
		"http:8080/healthz": {Type: api.ProbeTypeHttp, Port: &port, Path: &path},
		"http:8080/":        {Type: api.ProbeTypeHttp, Port: &port, Path: &root},
		"tcp:8080":          {Type: api.ProbeTypeTcp, Port: &port},
		"exec:cat /tmp/ok":  {Type: api.ProbeTypeExec, Command: []string{"cat", "/tmp/ok"}},
	} {
		got, err := parseProbe("readiness", in)
		if err != nil || !reflect.DeepEqual(*got, want) {
			t.Errorf("%s: %+v %v", in, got, err)
		}
	}
	for _, bad := range []string{"grpc", "tcp/x", "http:0", "exec:", "http:x/y"} {
		if _, err := parseProbe("readiness", bad); !isUsage(err) {
			t.Errorf("%s: %v, want a usage error", bad, err)
		}
	}
}

func isUsage(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == ExitUsage
}
