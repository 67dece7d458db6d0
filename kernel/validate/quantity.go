package validate

import (
	"math/big"
	"strings"

	"weft.dev/kernel/fault"
)

// Quantity is a Kubernetes resource quantity ("250m", "0.5", "128Mi",
// "1G", "5e3"): its value, and the canonical form the API server stores
// it in.
type Quantity struct {
	Value     *big.Rat
	Canonical string
}

// Cmp compares two quantities' values.
func (q Quantity) Cmp(o Quantity) int { return q.Value.Cmp(o.Value) }

// quantity formats: as Kubernetes names them.
const (
	decimalSI = iota
	binarySI
	decimalExponent
)

var (
	binarySuffixes  = []string{"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"}
	decimalSuffixes = map[string]int{"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
	decimalNames    = map[int]string{-9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"}
)

// ParseQuantity parses s by the grammar of Kubernetes' resource.Quantity
// (a signed decimal number, then a binary suffix Ki…Ei, a decimal one
// n, u, m, k, M…E, or an exponent e<n>) and gives its canonical form as
// the API server writes it: the value rounded up to a nano unit, in the
// largest unit that keeps it whole ("0.25" → "250m", "131072Ki" → "128Mi").
// A weft module needs no Kubernetes library for that.
func ParseQuantity(field, s string) (Quantity, error) {
	bad := func() (Quantity, error) {
		return Quantity{}, fault.Invalidf(field, "%q is not a quantity (like 250m, 0.5, 128Mi or 1G)", s)
	}
	if s == "" || len(s) > 64 {
		return bad()
	}
	num, suffix := splitQuantity(s)
	if num == "" {
		return bad()
	}
	v, ok := parseDecimal(num)
	if !ok {
		return bad()
	}
	format := decimalSI
	switch {
	case strings.HasSuffix(suffix, "i") && len(suffix) == 2:
		i := indexOf(binarySuffixes, suffix)
		if i < 1 {
			return bad()
		}
		format = binarySI
		v.Mul(v, new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), uint(10*i))))
	case len(suffix) > 1 && (suffix[0] == 'e' || suffix[0] == 'E'):
		exp, ok := parseInt(suffix[1:])
		if !ok || exp < -18 || exp > 18 {
			return bad()
		}
		format = decimalExponent
		v.Mul(v, pow10(exp))
	default:
		exp, ok := decimalSuffixes[suffix]
		if !ok {
			return bad()
		}
		v.Mul(v, pow10(exp))
	}
	// Kubernetes keeps nano precision, rounding up.
	nano := new(big.Rat).Mul(v, pow10(9))
	n := new(big.Int).Quo(nano.Num(), nano.Denom())
	if new(big.Rat).SetInt(n).Cmp(nano) < 0 {
		n.Add(n, big.NewInt(1))
	}
	value := new(big.Rat).SetFrac(n, big.NewInt(1_000_000_000))
	return Quantity{Value: value, Canonical: canonical(n, format)}, nil
}

// canonical writes n nano units in format.
func canonical(n *big.Int, format int) string {
	if n.Sign() == 0 {
		return "0"
	}
	neg := n.Sign() < 0
	abs := new(big.Int).Abs(n)
	sign := ""
	if neg {
		sign = "-"
	}
	billion := big.NewInt(1_000_000_000)
	if format == binarySI {
		// Whole units that a power of 1024 divides: the largest of them;
		// anything else is written as a decimal quantity.
		whole, rem := new(big.Int).QuoRem(abs, billion, new(big.Int))
		if rem.Sign() == 0 && whole.Sign() > 0 {
			i := 0
			k := big.NewInt(1024)
			for i < len(binarySuffixes)-1 {
				q, r := new(big.Int).QuoRem(whole, k, new(big.Int))
				if r.Sign() != 0 {
					break
				}
				whole, i = q, i+1
			}
			if i > 0 {
				return sign + whole.String() + binarySuffixes[i]
			}
		}
		format = decimalSI
	}
	// The largest power of 1000 that divides the nano count.
	exp := -9
	ten3 := big.NewInt(1000)
	for exp < 18 {
		q, r := new(big.Int).QuoRem(abs, ten3, new(big.Int))
		if r.Sign() != 0 {
			break
		}
		abs, exp = q, exp+3
	}
	if format == decimalExponent {
		if exp == 0 {
			return sign + abs.String()
		}
		return sign + abs.String() + "e" + itoa(exp)
	}
	return sign + abs.String() + decimalNames[exp]
}

// splitQuantity cuts s into its signed number and its suffix.
func splitQuantity(s string) (num, suffix string) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	return s[:i], s[i:]
}

// parseDecimal reads [+-]digits[.digits], [+-]digits. or [+-].digits.
func parseDecimal(s string) (*big.Rat, bool) {
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || strings.Contains(frac, ".") {
		return nil, false
	}
	v, ok := new(big.Rat).SetString("0" + whole + "." + frac + "0")
	if !ok {
		return nil, false
	}
	if neg {
		v.Neg(v)
	}
	return v, true
}

func parseInt(s string) (int, bool) {
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	if s == "" || len(s) > 3 {
		return 0, false
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

func pow10(exp int) *big.Rat {
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(exp))), nil)
	if exp < 0 {
		return new(big.Rat).SetFrac(big.NewInt(1), p)
	}
	return new(big.Rat).SetInt(p)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func itoa(n int) string { return big.NewInt(int64(n)).String() }

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}
