package token

import (
	"strings"
	"testing"
	"unicode"
)

func TestValidateRefusesDotsWildcardsSpaceAndUnprintableRunesOnly(t *testing.T) {
	allowed := func(r rune) bool {
		return r != '.' && r != '*' && r != '>' && !unicode.IsSpace(r) && unicode.IsPrint(r)
	}
	check := func(s string, want bool) {
		t.Helper()
		if err := Validate("id", s); (err == nil) != want {
			t.Errorf("Validate(%q) = %v, want accepted %v", s, err, want)
		}
	}
	for r := rune(0); r < 0x3100; r++ {
		ok := allowed(r)
		check(string(r), ok)
		check("d-1"+string(r), ok)       // after ASCII
		check("é"+string(r)+"x", ok)     // after a multi-byte rune
		check(string(r)+"\u00a0", false) // a no-break space is space anywhere
	}
	check("\xff", false) // not UTF-8
	check("d-\xc3", false)
	check("\ufffd", true) // the replacement character itself is printable
	check("", false)
	check(strings.Repeat("a", 128), true)
	check(strings.Repeat("a", 129), false)
}
