package gateway

// The parser, normaliser and validator of graphql-go-tools cost more than
// linear time in some shapes of input: a selection set of many aliases is
// merged pairwise (55,000 aliases of __typename took minutes of CPU), and
// the parser recurses once per bracket. So before any of them runs, one
// pass over the text counts what makes them expensive and stops as soon as
// a count passes its limit: a refused request costs at most a scan of the
// text up to that point, whatever the rest of it holds.

// prescanLimits are the caps prescan stops at: lexical tokens (names,
// numbers, strings, punctuators), aliases ("name :" inside a selection
// set) and the nesting of {, [ and ( together.
type prescanLimits struct {
	tokens, aliases, nesting int
}

// prescan lexes query (the GraphQL lexical grammar: names, numbers,
// strings and block strings, punctuators; whitespace, commas and comments
// ignored) and counts tokens, aliases and bracket nesting. It returns as
// soon as one count exceeds its limit, with the name of that limit
// ("tokens", "aliases" or "nesting"); over is "" when the whole text is
// within them. Text the parser would refuse is counted as far as it goes
// and left for the parser to report.
func prescan(query string, lim prescanLimits) (over string) {
	// Brackets open at this point, innermost last; an alias is a name
	// followed by ':' directly inside '{' with no '(' or '[' open around
	// it (inside those, ':' separates an argument, variable or object
	// field from its value).
	var stack [64]byte
	open := stack[:0]
	inValue := 0 // '(' and '[' in open
	tokens, aliases := 0, 0
	prevName := false
	for i := 0; i < len(query); {
		b := query[i]
		switch {
		case b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == ',':
			i++
			continue
		case b == '#':
			for i < len(query) && query[i] != '\n' && query[i] != '\r' {
				i++
			}
			continue
		case b == 0xEF && len(query) >= i+3 && query[i+1] == 0xBB && query[i+2] == 0xBF: // BOM
			i += 3
			continue
		}
		tokens++
		if tokens > lim.tokens {
			return "tokens"
		}
		isName := false
		switch {
		case b == '_' || b|0x20 >= 'a' && b|0x20 <= 'z':
			for i++; i < len(query) && isNameByte(query[i]); i++ {
			}
			isName = true
		case b == '-' || b >= '0' && b <= '9':
			for i++; i < len(query) && (isNameByte(query[i]) || query[i] == '.' || query[i] == '+' || query[i] == '-'); i++ {
			}
		case b == '"':
			i = skipString(query, i)
		case b == '.' && len(query) >= i+3 && query[i+1] == '.' && query[i+2] == '.':
			i += 3
		case b == '{' || b == '(' || b == '[':
			open = append(open, b)
			if b != '{' {
				inValue++
			}
			if len(open) > lim.nesting {
				return "nesting"
			}
			i++
		case b == '}' || b == ')' || b == ']':
			if n := len(open); n > 0 {
				if open[n-1] != '{' {
					inValue--
				}
				open = open[:n-1]
			}
			i++
		case b == ':':
			if prevName && inValue == 0 && len(open) > 0 {
				aliases++
				if aliases > lim.aliases {
					return "aliases"
				}
			}
			i++
		default: // ! $ & = @ | and bytes the parser will refuse
			i++
		}
		prevName = isName
	}
	return ""
}

func isNameByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b|0x20 >= 'a' && b|0x20 <= 'z'
}

// skipString returns the index after the string or block string starting
// at query[i] (a '"'), or len(query) when it is not closed.
func skipString(query string, i int) int {
	if len(query) >= i+3 && query[i+1] == '"' && query[i+2] == '"' {
		for j := i + 3; j+2 < len(query); j++ {
			switch {
			case query[j] == '\\' && len(query) >= j+4 && query[j+1:j+4] == `"""`:
				j += 3
			case query[j] == '"' && query[j+1] == '"' && query[j+2] == '"':
				return j + 3
			}
		}
		return len(query)
	}
	for j := i + 1; j < len(query); j++ {
		switch query[j] {
		case '\\':
			j++
		case '"', '\n', '\r':
			return j + 1
		}
	}
	return len(query)
}
