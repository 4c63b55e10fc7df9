"""
The two polynomials of src/linalg/simd-math.ts that are not Taylor series: Chebyshev interpolants (mpmath's
chebyfit at 50 digits) of
  atan: (atan(u)/u - 1)/s,  s = u^2 in [0, tan(pi/8)^2]   (12 coefficients)
  asin: (asin(x)/x - 1)/s,  s = x^2 in [0, 1/4]           (13 coefficients)
printed highest degree first, each rounded to the nearest float64 (repr round-trips). Run: python3 scripts/fit-simd-polynomials.py
"""
import mpmath as mp

mp.mp.dps = 50


def ratio(f):
    def g(s):
        if s == 0:
            return mp.mpf(-1) / 3 if f is mp.atan else mp.mpf(1) / 6
        x = mp.sqrt(s)
        return (f(x) / x - 1) / s

    return g


for label, f, top, n in [
    ("atan", mp.atan, mp.tan(mp.pi / 8) ** 2, 12),
    ("asin", mp.asin, mp.mpf(1) / 4, 13),
]:
    coefficients, error = mp.chebyfit(ratio(f), [0, top], n, error=True)
    print(f"{label}: max error of the interpolant {mp.nstr(error, 3)} (times s <= {mp.nstr(top, 3)})")
    print("  [" + ", ".join(repr(float(c)) for c in coefficients) + "]")
