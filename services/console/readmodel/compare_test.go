package readmodel

import (
	"strings"
	"testing"
)

func TestCompareEnvNameOrdersLikeTheJoinedPath(t *testing.T) {
	parts := []string{"", "a", "a-b", "a/b", "ab", "b", "prod", "prod-eu", "prod.x", "z"}
	for _, ea := range parts {
		for _, na := range parts {
			for _, eb := range parts {
				for _, nb := range parts {
					want := strings.Compare(ea+"/"+na, eb+"/"+nb)
					if got := compareEnvName(ea, na, eb, nb); got != want {
						t.Fatalf("compareEnvName(%q, %q, %q, %q) = %d, want %d", ea, na, eb, nb, got, want)
					}
				}
			}
		}
	}
}
