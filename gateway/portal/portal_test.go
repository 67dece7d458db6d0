package portal

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

// The page's inline script (the first request, src/first.ts) runs only if
// the Content-Security-Policy names its hash: the built page has one, and
// the policy allows it and no inline script besides.
func TestThePagesInlineScriptIsAllowedByItsHashAndNoOtherIs(t *testing.T) {
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/apps", nil))
	page, _ := io.ReadAll(rec.Result().Body)
	scripts := inlineScript.FindAllSubmatch(page, -1)
	if len(scripts) != 1 {
		t.Fatalf("the page has %d inline scripts, want 1 (the built src/first.ts)", len(scripts))
	}
	policy := rec.Result().Header.Get("Content-Security-Policy")
	var scriptSrc string
	for _, d := range strings.Split(policy, ";") {
		if f := strings.Fields(d); len(f) > 0 && f[0] == "script-src" {
			scriptSrc = strings.Join(f[1:], " ")
		}
	}
	sum := sha256.Sum256(scripts[0][1])
	want := "'self' 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	if scriptSrc != want {
		t.Fatalf("script-src is %q, want %q (policy %q)", scriptSrc, want, policy)
	}
}
