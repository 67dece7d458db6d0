package accounts

import (
	"testing"

	"weft.dev/services/platform"
)

// The printed login names the server when the CLI's default would not
// reach it.
func TestBootstrapLoginNamesTheServerWhereTheDefaultIsWrong(t *testing.T) {
	for _, tt := range []struct {
		cfg  platform.Config
		want string
	}{
		{platform.Config{HTTPAddr: "127.0.0.1:4000"}, ""},
		{platform.Config{HTTPAddr: "127.0.0.1:8080"}, " --server http://127.0.0.1:8080"},
		{platform.Config{HTTPAddr: "127.0.0.1:0"}, " --server <the HTTP address below>"},
		{platform.Config{HTTPAddr: "0.0.0.0:4000", HTTPAdvertise: "https://weft.example.com/"}, " --server https://weft.example.com"},
	} {
		if got := loginServer(tt.cfg); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.cfg, got, tt.want)
		}
	}
}
