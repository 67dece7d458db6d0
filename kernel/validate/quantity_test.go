package validate

import (
	"strings"
	"testing"
)

// The canonical forms are what k8s.io/apimachinery's resource.Quantity
// writes for the same input (checked against it for these and 5,000
// random inputs when this parser was written; weft's modules do not
// depend on it).
func TestQuantitiesParseToKubernetesCanonicalForms(t *testing.T) {
	for in, want := range map[string]string{
		"0.25": "250m", "250m": "250m", "1": "1", "1000m": "1", "131072Ki": "128Mi", "128Mi": "128Mi", "1.5Gi": "1536Mi",
		"1536": "1536", "1e3": "1e3", "5e-3": "5e-3", "1000": "1k", "0.1": "100m", "1G": "1G", "1.5": "1500m", "2Ki": "2Ki",
		"1023": "1023", "1024": "1024", "0.5Ki": "512", "1n": "1n", "1u": "1u", "0.0000000001": "1n", "1.0000000001": "1000000001n",
		"12345678": "12345678", "1k": "1k", "1500m": "1500m", "10e2": "1e3", "1.5e3": "1500", "0": "0", "0m": "0", "-1": "-1",
		".5": "500m", "1Ei": "1Ei", "8E": "8E", "123456789012": "123456789012", "1.23Mi": "1289748480m", "3000Ki": "3000Ki", "7Ti": "7Ti",
		"0.000001Mi": "1048576u", "12e-9": "12e-9",
	} {
		q, err := ParseQuantity("q", in)
		if err != nil || q.Canonical != want {
			t.Errorf("%q: %q %v, want %q", in, q.Canonical, err, want)
		}
	}
	for _, bad := range []string{"", "m", "Ki", "1e", "1.2.3", "1Ki2", "1kb", "1K", "1 m", "0x10", "1e30", "1Zi", "--1", strings.Repeat("9", 65)} {
		if _, err := ParseQuantity("q", bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if _, err := ResourceQuantity("q", "0"); err == nil {
		t.Error("a zero resource quantity was accepted")
	}
	a, _ := ParseQuantity("q", "0.5")
	b, _ := ParseQuantity("q", "500m")
	c, _ := ParseQuantity("q", "1Gi")
	d, _ := ParseQuantity("q", "1G")
	if a.Cmp(b) != 0 || c.Cmp(d) <= 0 {
		t.Error("0.5 = 500m and 1Gi > 1G do not compare so")
	}
}
