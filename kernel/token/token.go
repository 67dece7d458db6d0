// Package token checks the tokens weft puts into NATS subjects (teams,
// aggregate types and ids, cluster ids): a token that held '.', '*' or '>'
// would change what a subject means. It lives in the kernel so that the
// agent, which only reads subjects, does not link the event store.
package token

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Validate checks that s can be one token of a subject: non-empty, at
// most 128 bytes, UTF-8, and free of '.', '*', '>', whitespace (which would
// change what the subject means) and unprintable runes.
func Validate(field, s string) error {
	if s == "" {
		return fmt.Errorf("%s is empty", field)
	}
	if len(s) > 128 {
		return fmt.Errorf("%s %q is longer than 128 bytes", field, s)
	}
	// Ids are nearly always ASCII, checked a byte at a time: every append
	// checks three tokens.
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return validateRunes(field, s, s[i:])
		}
		if c <= ' ' || c == 0x7f || c == '.' || c == '*' || c == '>' {
			return fmt.Errorf("%s %q contains %q, which may not appear in an id", field, s, rune(c))
		}
	}
	return nil
}

func validateRunes(field, s, rest string) error {
	for len(rest) > 0 {
		r, n := utf8.DecodeRuneInString(rest)
		if r == utf8.RuneError && n == 1 {
			return fmt.Errorf("%s %q is not UTF-8", field, s)
		}
		if r == '.' || r == '*' || r == '>' || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return fmt.Errorf("%s %q contains %q, which may not appear in an id", field, s, r)
		}
		rest = rest[n:]
	}
	return nil
}
