//! `strtod` with glibc's semantics, for Lua's lexer and `tonumber`.
//!
//! Decimal digits are converted by `str::parse::<f64>`, which is correctly
//! rounded for any length; hexadecimal ones are rounded here with a sticky
//! bit. The `ERANGE` report follows glibc: overflow to infinity, or a tiny
//! result (subnormal or zero, tininess detected after rounding as on x86)
//! that is inexact.

/// Result of one conversion.
pub struct Parsed {
    /// The converted value (0 when nothing was consumed).
    pub value: f64,
    /// Bytes consumed, leading whitespace included; 0 when no number starts
    /// here (C's `*endptr == s`).
    pub consumed: usize,
    /// glibc would have set `errno = ERANGE`.
    pub range_error: bool,
}

/// glibc-compatible strtod on a byte string (not NUL-terminated; stop at
/// the end of the slice or the first byte that cannot continue the number).
pub fn strtod(s: &[u8]) -> Parsed {
    let start = s.iter().position(|&b| !is_space(b)).unwrap_or(s.len());
    let (negative, sign_len) = match s.get(start) {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let body = start + sign_len;
    let rest = &s[body..];
    let num = special(rest).or_else(|| hexadecimal(rest)).or_else(|| decimal(rest));
    match num {
        Some(n) => Parsed {
            value: if negative { -n.magnitude } else { n.magnitude },
            consumed: body + n.len,
            range_error: n.range_error,
        },
        None => Parsed { value: 0.0, consumed: 0, range_error: false },
    }
}

/// An unsigned number found at the start of a slice.
struct Num {
    magnitude: f64,
    len: usize,
    range_error: bool,
}

impl Num {
    fn exact(magnitude: f64, len: usize) -> Option<Num> {
        Some(Num { magnitude, len, range_error: false })
    }
}

/// C-locale `isspace`.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn starts_with_nocase(s: &[u8], word: &[u8]) -> bool {
    s.len() >= word.len() && s[..word.len()].eq_ignore_ascii_case(word)
}

/// `inf`, `infinity`, `nan`, `nan(n-char-sequence)`, any case.
fn special(s: &[u8]) -> Option<Num> {
    if starts_with_nocase(s, b"infinity") {
        return Num::exact(f64::INFINITY, 8);
    }
    if starts_with_nocase(s, b"inf") {
        return Num::exact(f64::INFINITY, 3);
    }
    if !starts_with_nocase(s, b"nan") {
        return None;
    }
    let chars = s[3..].strip_prefix(b"(").map(|t| {
        let n = t.iter().take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_').count();
        (&t[..n], t.get(n) == Some(&b')'))
    });
    match chars {
        Some((payload, true)) => Num::exact(nan_with_payload(payload), 3 + payload.len() + 2),
        _ => Num::exact(f64::from_bits(QUIET_NAN), 3),
    }
}

const QUIET_NAN: u64 = 0x7ff8_0000_0000_0000;

/// glibc reads `nan(N)` with `strtoull(N, 0)` and, if that takes all of N,
/// stores the low 51 bits of the number in the NaN's mantissa.
fn nan_with_payload(chars: &[u8]) -> f64 {
    let payload = parse_c_integer(chars).map_or(0, |v| v & ((1 << 51) - 1));
    f64::from_bits(QUIET_NAN | payload)
}

/// `strtoull(s, &end, 0)` that must consume all of `s` (saturating like
/// strtoull on overflow); `None` if it would stop early.
fn parse_c_integer(s: &[u8]) -> Option<u64> {
    let (radix, digits) = match s {
        [b'0', b'x' | b'X', rest @ ..] if rest.first().is_some_and(u8::is_ascii_hexdigit) => (16, rest),
        [b'0', rest @ ..] => (8, rest),
        _ => (10, s),
    };
    if radix == 10 && digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |acc, &b| {
        let d = char::from(b).to_digit(radix)?;
        Some(acc.checked_mul(u64::from(radix)).and_then(|v| v.checked_add(u64::from(d))).unwrap_or(u64::MAX))
    })
}

/// `0x` followed by hex digits with an optional point and `p` exponent.
/// `0x` not followed by a hex digit is the number `0` ending before the `x`.
fn hexadecimal(s: &[u8]) -> Option<Num> {
    if !(s.len() >= 2 && s[0] == b'0' && (s[1] | 0x20) == b'x') {
        return None;
    }
    let mut m = HexMantissa::default();
    let mut i = 2;
    while let Some(&b) = s.get(i) {
        match (b, char::from(b).to_digit(16)) {
            (_, Some(d)) => m.digit(d as u64),
            (b'.', None) if !m.point => m.point = true,
            _ => break,
        }
        i += 1;
    }
    if !m.any {
        return Num::exact(0.0, 1);
    }
    let (p, len) = exponent(&s[i..], b'p');
    let (magnitude, range_error) = round_binary(m.bits, m.exp.saturating_add(p), m.sticky);
    Some(Num { magnitude, len: i + len, range_error })
}

/// Hex digits accumulated as `bits * 2^exp`; digits past 64 bits only
/// matter as a nonzero `sticky` tail for rounding.
#[derive(Default)]
struct HexMantissa {
    bits: u64,
    exp: i64,
    sticky: bool,
    point: bool,
    any: bool,
}

impl HexMantissa {
    fn digit(&mut self, d: u64) {
        self.any = true;
        if self.bits >> 60 == 0 {
            self.bits = self.bits << 4 | d;
            self.exp -= if self.point { 4 } else { 0 };
        } else {
            self.sticky |= d != 0;
            self.exp += if self.point { 0 } else { 4 };
        }
    }
}

/// An optional exponent `<letter>[+-]digits`, as (value, bytes). Without
/// digits it is not part of the number. Huge values saturate well past the
/// point where the result is already 0 or infinity.
fn exponent(s: &[u8], letter: u8) -> (i64, usize) {
    if s.first().map(|b| b | 0x20) != Some(letter) {
        return (0, 0);
    }
    let (negative, sign_len) = match s.get(1) {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let digits = &s[1 + sign_len..];
    let n = digits.iter().take_while(|b| b.is_ascii_digit()).count();
    if n == 0 {
        return (0, 0);
    }
    let value = digits[..n].iter().fold(0i64, |acc, &b| (acc * 10 + i64::from(b - b'0')).min(1 << 40));
    (if negative { -value } else { value }, 1 + sign_len + n)
}

/// Rounds `bits * 2^exp` (plus a nonzero tail if `sticky`) to the nearest
/// double, ties to even; also says whether glibc reports ERANGE.
fn round_binary(bits: u64, exp: i64, sticky: bool) -> (f64, bool) {
    if bits == 0 {
        return (0.0, false);
    }
    let top = exp + 63 - i64::from(bits.leading_zeros());
    if top > 1023 {
        return (f64::INFINITY, true);
    }
    let lsb = (top - 52).max(-1074);
    let (mut r, inexact) = round_at(bits, exp, sticky, lsb);
    let mut lsb = lsb;
    if r == 1 << 53 {
        r >>= 1;
        lsb += 1;
    }
    if r >> 52 == 0 {
        // Subnormal or zero (`lsb` is -1074, the bits are the value): tiny.
        return (f64::from_bits(r), inexact);
    }
    let biased = lsb + 1075;
    if biased >= 2047 {
        return (f64::INFINITY, true);
    }
    // Tininess is judged after rounding to 53 bits with an unbounded
    // exponent: a value just below DBL_MIN that rounds up to it only
    // because of the subnormal grid still counts as tiny.
    let tiny = top < -1022 && (top < -1023 || round_at(bits, exp, sticky, top - 52).0 != 1 << 53);
    (f64::from_bits((biased as u64) << 52 | (r & ((1 << 52) - 1))), tiny && inexact)
}

/// `bits * 2^exp` rounded half-to-even to a multiple of `2^lsb`, as
/// (multiple, inexact).
fn round_at(bits: u64, exp: i64, sticky: bool, lsb: i64) -> (u64, bool) {
    let shift = lsb - exp;
    if shift <= 0 {
        return (bits << -shift, sticky);
    }
    if shift > 64 {
        return (0, true);
    }
    let kept = bits.checked_shr(shift as u32).unwrap_or(0);
    let rem = bits & (u64::MAX >> (64 - shift));
    let half = 1u64 << (shift - 1);
    let up = rem > half || (rem == half && (sticky || kept & 1 == 1));
    (kept + u64::from(up), rem != 0 || sticky)
}

/// Decimal digits with an optional point and `e` exponent, converted by
/// `str::parse` (correctly rounded).
fn decimal(s: &[u8]) -> Option<Num> {
    let int = s.iter().take_while(|b| b.is_ascii_digit()).count();
    let point = s.get(int) == Some(&b'.');
    let frac = if point { s[int + 1..].iter().take_while(|b| b.is_ascii_digit()).count() } else { 0 };
    if int + frac == 0 {
        return None;
    }
    let mantissa_len = int + usize::from(point) + frac;
    let (exp10, exp_len) = exponent(&s[mantissa_len..], b'e');
    let text = &s[..mantissa_len + exp_len];
    let magnitude = core::str::from_utf8(text).ok()?.parse::<f64>().ok()?;
    let digits = Digits { int: &s[..int], frac: &s[int + usize::from(point)..mantissa_len], exp10 };
    Some(Num { magnitude, len: text.len(), range_error: decimal_range_error(magnitude, &digits) })
}

/// The digits of a decimal number: `int.frac × 10^exp10`.
struct Digits<'a> {
    int: &'a [u8],
    frac: &'a [u8],
    exp10: i64,
}

impl Digits<'_> {
    fn all(&self) -> impl Iterator<Item = u8> + '_ {
        self.int.iter().chain(self.frac).copied()
    }

    fn is_zero(&self) -> bool {
        self.all().all(|b| b == b'0')
    }
}

/// glibc's ERANGE for a decimal input that `str::parse` turned into `v`.
/// Only tiny results need the digits again (rare, so allocating is fine).
fn decimal_range_error(v: f64, digits: &Digits<'_>) -> bool {
    if v.is_infinite() {
        true
    } else if v == 0.0 {
        !digits.is_zero()
    } else if v < f64::MIN_POSITIVE {
        !is_exact(v, digits)
    } else if v == f64::MIN_POSITIVE {
        below_tiny_limit(digits)
    } else {
        false
    }
}

/// Whether the decimal equals `v` exactly, by comparing it with the exact
/// expansion `core::fmt` prints (a double needs at most 767 significant
/// digits).
fn is_exact(v: f64, digits: &Digits<'_>) -> bool {
    let exact = format!("{v:.800e}");
    let (mantissa, exp) = exact.split_once('e').unwrap_or((&exact, "0"));
    let exact_exp: i64 = exp.parse().unwrap_or(0);
    let exact_digits = mantissa.bytes().filter(u8::is_ascii_digit);
    let lead = digits.all().take_while(|&b| b == b'0').count();
    // Value = 0.d1d2... × 10^k for both; k must match, then the digits.
    let k_input = digits.int.len() as i64 - lead as i64 + digits.exp10;
    k_input == exact_exp + 1 && significant(digits.all().skip(lead)).eq(significant(exact_digits))
}

/// Digits without the trailing zeros.
fn significant(digits: impl Iterator<Item = u8>) -> impl Iterator<Item = u8> {
    let v: Vec<u8> = digits.collect();
    let end = v.iter().rposition(|&b| b != b'0').map_or(0, |i| i + 1);
    v.into_iter().take(end)
}

/// For a decimal that rounds to DBL_MIN: whether rounding it to 53 bits
/// with an unbounded exponent would stay below DBL_MIN, i.e. whether it is
/// below DBL_MIN·(1 − 2⁻⁵⁴). Times 4 that bound is the midpoint between
/// 2⁻¹⁰²⁰ and its predecessor, which `str::parse` resolves exactly (a tie
/// goes to the even 2⁻¹⁰²⁰, and so does the tie in glibc).
fn below_tiny_limit(digits: &Digits<'_>) -> bool {
    let mut times4: Vec<u8> = digits.all().map(|b| b - b'0').collect();
    let mut carry = 0;
    for d in times4.iter_mut().rev() {
        let v = *d * 4 + carry;
        *d = v % 10 + b'0';
        carry = v / 10;
    }
    times4.insert(0, carry + b'0');
    let text = format!("{}e{}", String::from_utf8_lossy(&times4), digits.exp10 - digits.frac.len() as i64);
    text.parse::<f64>().is_ok_and(|x| x < 2f64.powi(-1020))
}
