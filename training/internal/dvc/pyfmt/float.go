package pyfmt

import (
	"math"
	"strconv"
	"strings"
)

// FormatFloat returns Python's repr of f: the shortest digits that round
// trip, in positional notation with at least one decimal ("1.0", "0.0001",
// "1000000000000000.0") when the decimal exponent is in [-4, 16), and in
// scientific notation otherwise ("1e-05", "1e+16", "1.5e+300"). Infinities
// and NaN come out as "inf", "-inf" and "nan"; callers that need YAML or
// JSON spellings handle them first.
func FormatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	// 'e' with precision -1 gives the shortest round-trip digits:
	// "-d.ddde±XX".
	s := strconv.FormatFloat(f, 'e', -1, 64)
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	mant, expStr, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expStr)
	digits := strings.Replace(mant, ".", "", 1)
	// Python's float_repr_style "short" switches to exponent notation when
	// the decimal point position is outside (-4, 16].
	decpt := exp + 1
	if decpt > -4 && decpt <= 16 {
		switch {
		case decpt <= 0:
			return sign + "0." + strings.Repeat("0", -decpt) + digits
		case decpt >= len(digits):
			return sign + digits + strings.Repeat("0", decpt-len(digits)) + ".0"
		default:
			return sign + digits[:decpt] + "." + digits[decpt:]
		}
	}
	m := digits[:1]
	if len(digits) > 1 {
		m += "." + digits[1:]
	}
	esign := "+"
	if exp < 0 {
		esign, exp = "-", -exp
	}
	e := strconv.Itoa(exp)
	if len(e) < 2 {
		e = "0" + e
	}
	return sign + m + "e" + esign + e
}
