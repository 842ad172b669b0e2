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
        Some((payload, true)) => {
            let (value, overflow) = nan_with_payload(payload);
            Some(Num { magnitude: value, len: 3 + payload.len() + 2, range_error: overflow })
        }
        _ => Num::exact(f64::from_bits(QUIET_NAN), 3),
    }
}

const QUIET_NAN: u64 = 0x7ff8_0000_0000_0000;

/// glibc reads `nan(N)` with `strtoull(N, 0)` and, if that takes all of N,
/// stores the low 51 bits of the number in the NaN's mantissa. strtoull's
/// ERANGE on overflow leaks out of strtod, so it is reported too.
fn nan_with_payload(chars: &[u8]) -> (f64, bool) {
    let (value, len, overflow) = c_strtoull(chars);
    let payload = if len == chars.len() { value & ((1 << 51) - 1) } else { 0 };
    (f64::from_bits(QUIET_NAN | payload), overflow)
}

/// `strtoull(s, &end, 0)` on a string of letters, digits and `_`:
/// (value, bytes taken, overflowed). Overflow saturates like C.
fn c_strtoull(s: &[u8]) -> (u64, usize, bool) {
    let (radix, skip) = match s {
        [b'0', b'x' | b'X', h, ..] if h.is_ascii_hexdigit() => (16, 2),
        [b'0', ..] => (8, 0),
        _ => (10, 0),
    };
    let mut value = 0u64;
    let mut overflow = false;
    let digits = s[skip..].iter().map_while(|&b| char::from(b).to_digit(radix));
    let mut n = 0;
    for d in digits {
        n += 1;
        match value.checked_mul(u64::from(radix)).and_then(|v| v.checked_add(u64::from(d))) {
            Some(v) => value = v,
            None => (value, overflow) = (u64::MAX, true),
        }
    }
    (value, if n == 0 { 0 } else { skip + n }, overflow)
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

/// Rounds `bits * 2^exp` (plus a nonzero tail if `sticky`) to a double the
/// way glibc does, and says whether glibc reports ERANGE.
///
/// glibc keeps the 53 bits from the leading one, a round bit and a sticky
/// bit, and rounds half-to-even. For a subnormal result it shifts those 53
/// bits right and takes the new round bit from them, losing the old round
/// bit (it only keeps the bits below it as sticky). So a hex input with
/// more than 53 significant bits can round differently from the exact
/// value there (`0x1.0000000000001|8p-1023` rounds down in glibc);
/// mirroring that keeps the shim byte-identical to native Lua.
fn round_binary(bits: u64, exp: i64, sticky: bool) -> (f64, bool) {
    if bits == 0 {
        return (0.0, false);
    }
    let lz = bits.leading_zeros();
    let n = bits << lz;
    let top = exp + 63 - i64::from(lz); // exponent of the leading one
    let m = n >> 11; // 53 bits
    let half = (n >> 10) & 1 == 1;
    let more = n & 0x3ff != 0 || sticky;
    if top < -1022 {
        return subnormal(m, top, half, more);
    }
    let (m, top) = match m + u64::from(round_up(m, half, more)) {
        carried if carried == 1 << 53 => (1 << 52, top + 1),
        rounded => (rounded, top),
    };
    if top > 1023 {
        return (f64::INFINITY, true);
    }
    (f64::from_bits(((top + 1023) as u64) << 52 | (m & ((1 << 52) - 1))), false)
}

/// glibc's subnormal path for 53 bits `m` with leading-one exponent `top`.
fn subnormal(m: u64, top: i64, half: bool, more: bool) -> (f64, bool) {
    let shift = -1022 - top;
    if shift > 53 {
        return (0.0, true);
    }
    // Tininess after rounding: only a value just below DBL_MIN can round
    // (at 53 bits, unbounded exponent) up to DBL_MIN and not be tiny.
    let tiny = !(shift == 1 && round_up(m, half, more) && m + 1 == 1 << 53);
    let low = m & ((1 << (shift - 1)) - 1);
    let half = (m >> (shift - 1)) & 1 == 1;
    let more = more || low != 0;
    let kept = m.checked_shr(shift as u32).unwrap_or(0);
    // `kept + 1` may reach 2^52: the bits of DBL_MIN.
    (f64::from_bits(kept + u64::from(round_up(kept, half, more))), tiny && (half || more))
}

/// Round-to-nearest-even: whether to add one to `kept`.
fn round_up(kept: u64, half: bool, more: bool) -> bool {
    half && (more || kept & 1 == 1)
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

/// Compares [`strtod`] with the real glibc `strtod`, natively: value bits,
/// consumed length and `ERANGE`.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use core::ffi::{c_char, c_int};
    use std::ffi::CString;

    unsafe extern "C" {
        #[link_name = "strtod"]
        fn c_strtod(s: *const c_char, end: *mut *mut c_char) -> f64;
        fn __errno_location() -> *mut c_int;
        fn snprintf(buf: *mut c_char, n: usize, fmt: *const c_char, ...) -> c_int;
    }

    const ERANGE: c_int = 34;

    use crate::test_rng::Rng;

    /// Appends `n` characters drawn from `set`.
    fn digits(rng: &mut Rng, set: &[u8], n: usize, out: &mut String) {
        (0..n).for_each(|_| out.push(char::from(rng.pick(set))));
    }

    fn glibc(s: &str) -> (u64, usize, bool) {
        let c = CString::new(s).unwrap();
        let mut end: *mut c_char = core::ptr::null_mut();
        // SAFETY: `c` is NUL-terminated and outlives the call; `end` is a
        // valid out-pointer; errno is this thread's own variable.
        let (value, range) = unsafe {
            *__errno_location() = 0;
            let value = c_strtod(c.as_ptr(), &mut end);
            (value, *__errno_location() == ERANGE)
        };
        (value.to_bits(), end as usize - c.as_ptr() as usize, range)
    }

    /// glibc's `printf` of one double, for exact decimal and hex inputs.
    fn c_printf(fmt: &str, v: f64) -> String {
        let fmt = CString::new(fmt).unwrap();
        let mut buf = vec![0u8; 2000];
        // SAFETY: `buf` is writable for its length, `fmt` is NUL-terminated
        // and has one double conversion, matched by the one `f64` argument.
        let n = unsafe { snprintf(buf.as_mut_ptr().cast(), buf.len(), fmt.as_ptr(), v) };
        buf.truncate(usize::try_from(n).unwrap().min(1999));
        String::from_utf8(buf).unwrap()
    }

    #[derive(Default)]
    struct Tally {
        cases: usize,
        failures: Vec<String>,
    }

    impl Tally {
        fn check(&mut self, s: &str) {
            self.cases += 1;
            let want = glibc(s);
            let p = strtod(s.as_bytes());
            let got = (p.value.to_bits(), p.consumed, p.range_error);
            if want != got && self.failures.len() < 20 {
                let shown: String = s.chars().take(120).collect();
                self.failures.push(format!("{shown:?} (len {}): glibc {want:x?}, ours {got:x?}", s.len()));
            }
        }

        fn finish(self, what: &str) {
            eprintln!("{what}: {} cases compared", self.cases);
            assert!(self.failures.is_empty(), "{what} mismatches:\n{}", self.failures.join("\n"));
        }
    }

    #[test]
    fn fixed_strings() {
        let cases = [
            "", " ", "+", "-", ".", "-.", "+.e1", "e5", "1", "-1", "1.", "1.x", ".5", "-.5e1", "1e5", "1E-5",
            "1e", "1e+", "1e-x", "1.e3", "  \t\n\x0b\x0c\r42", " - 1", "0", "-0", "00000.00000e99999",
            "0x1p4", "0x.8", "0xA.8p-1", "0x", "-0x", "0X", "0x.", "0x.p1", "0xg", "0x1p", "0x1p+", "0x1P-2x",
            "0x1.fffffffffffff", "0x1.fffffffffffff8", "0x1.fffffffffffff7ffffffffffff1", "0x1.00000000000008",
            "0x1.000000000000080000000000001", "0x1.00000000000018", "0x1p1023", "0x1.fffffffffffffp1023",
            "0x1.fffffffffffff7ffp1023", "0x1.fffffffffffff8p1023", "0x1p1024", "0x1p-1074", "0x1p-1075",
            "0x1.0000001p-1075", "0x1p-1076", "0x1p-1022", "0x1p-1023", "0x0.fffffffffffff8p-1022",
            "0x1.fffffffffffffp-1023", "0x1.fffffffffffff8p-1023", "0x1.fffffffffffffcp-1023",
            "0x1.fffffffffffffep-1023", "0x1.ffffffffffffffp-1023", "0x0p99999999999999999999",
            "0x1p-99999999999999999999", "0x1p99999999999999999999", "inf", "-INF", "infinity", "InFiNiTy",
            "infinit", "infx", "in", "nan", "-nan", "NaN", "nan(", "nan()", "nan(123)", "nan(0x7ff)",
            "-nan(0x8000000000000)", "nan(abc_9)", "nan(abc", "nan(12 )", "nan(0xg)", "nan(077)", "nan(08)",
            "nan(99999999999999999999999)", "na", "1e308", "1e309", "-1e309", "1.7976931348623157e308",
            "1.7976931348623158e308", "1.7976931348623159e308", "1e-320", "1e-400", "4.9e-324", "5e-324",
            "2.4703282292062327e-324", "2.4703282292062328e-324", "2.2250738585072011e-308",
            "2.2250738585072012e-308", "2.225073858507201e-308", "2.2250738585072014e-308",
            "1e99999999999999999999", "1e-99999999999999999999", "0e99999999999999999999",
            "9007199254740993", "9007199254740993.0000000000000000001", "0.1", "123.456e-7x",
        ];
        let mut t = Tally::default();
        cases.iter().for_each(|s| t.check(s));
        t.finish("fixed strings");
    }

    /// Random decimal and hex strings with random whitespace, signs, points,
    /// exponents (some absurd) and trailing junk.
    #[test]
    fn random_strings() {
        let mut rng = Rng(7);
        let mut t = Tally::default();
        for _ in 0..40_000 {
            let mut s = String::new();
            let (spaces, signs) = (rng.pick(&[0, 0, 0, 1, 3]), rng.pick(&[0, 0, 1]));
            digits(&mut rng, b" \t\n\x0b\x0c\r", spaces, &mut s);
            digits(&mut rng, b"+-", signs, &mut s);
            let hex = rng.below(3) == 0;
            let (set, letter): (&[u8], _) = if hex {
                s += rng.pick(&["0x", "0X"]);
                (b"0123456789abcdefABCDEF", rng.pick(&['p', 'P']))
            } else {
                (b"0123456789", rng.pick(&['e', 'E']))
            };
            let long = rng.below(10) == 0;
            let len = |rng: &mut Rng| if long { rng.below(120) } else { rng.pick(&[0, 1, 2, 5, 17, 25]) };
            let (int, frac) = (len(&mut rng), len(&mut rng));
            let lead = if rng.below(4) == 0 { rng.below(40) } else { 0 };
            digits(&mut rng, b"0", lead, &mut s);
            digits(&mut rng, set, int, &mut s);
            if rng.below(2) == 0 {
                s.push('.');
                let zeros = if rng.below(4) == 0 { rng.below(400) } else { 0 };
                digits(&mut rng, b"0", zeros, &mut s);
                digits(&mut rng, set, frac, &mut s);
            }
            if rng.below(3) != 0 {
                s.push(letter);
                let signs = rng.pick(&[0, 1]);
                digits(&mut rng, b"+-", signs, &mut s);
                let e = match rng.below(4) {
                    0 => rng.below(10),
                    1 => rng.below(400),
                    2 => rng.below(1200),
                    _ => rng.next() as usize,
                };
                if rng.below(20) != 0 {
                    s += &e.to_string();
                }
            }
            for _ in 0..rng.pick(&[0, 0, 1, 2]) {
                s.push(char::from(rng.pick(b"xXeEpP.+-0a9 (")));
            }
            t.check(&s);
        }
        t.finish("random strings");
    }

    /// Printed doubles read back: random bit patterns in every form glibc
    /// prints, including the exact decimal expansion of subnormals.
    #[test]
    fn printed_doubles() {
        let mut rng = Rng(8);
        let mut t = Tally::default();
        for i in 0..4_000 {
            let bits = if i % 3 == 0 { rng.next() >> 12 } else { rng.next() };
            let v = f64::from_bits(bits);
            for fmt in ["%.17g", "%.16g", "%.15g", "%a", "%.10a", "%.30e"] {
                t.check(&c_printf(fmt, v));
            }
            if i % 8 == 0 && v.abs() < 1e-300 {
                t.check(&c_printf("%.1100f", v));
            }
        }
        t.finish("printed doubles");
    }

    /// Decimal numbers with 800+ digits on, just above and just below the
    /// midpoint between two neighbouring doubles (incl. subnormals and the
    /// DBL_MIN tininess boundary).
    #[test]
    fn long_mantissas_near_halfway() {
        let mut rng = Rng(9);
        let mut t = Tally::default();
        let mut values: Vec<f64> = (0..400).map(|_| f64::from_bits(rng.next() >> 1)).collect();
        values.extend((0..200).map(|_| f64::from_bits(rng.next() >> 13))); // subnormal
        values.extend([0.0, 1.0, 9007199254740992.0, f64::MAX, f64::MIN_POSITIVE, 2.225073858507201e-308]);
        for v in values {
            let lo = Fixed::of(v).unwrap();
            // Above DBL_MAX the neighbour is 2^1024, the overflow threshold.
            let hi = Fixed::of(f64::from_bits(v.to_bits() + 1)).unwrap_or_else(|| {
                let ulp = lo.sub(&Fixed::of(f64::from_bits(v.to_bits() - 1)).unwrap());
                lo.add(&ulp)
            });
            let mid = lo.add(&hi).half();
            for s in [mid.to_string(), mid.to_string() + "0000000001", mid.down().to_string()] {
                t.check(&s);
            }
        }
        // DBL_MIN·(1 − 2⁻⁵⁴) and the max-subnormal/DBL_MIN midpoint.
        let min = Fixed::of(f64::MIN_POSITIVE).unwrap();
        let tiny = Fixed::of(5e-324).unwrap().half();
        for bound in [min.sub(&tiny.half()), min.sub(&tiny)] {
            for s in [bound.to_string(), bound.to_string() + "1", bound.down().to_string()] {
                t.check(&s);
                t.check(&format!("-{s}e0"));
            }
        }
        t.finish("long mantissas");
    }

    /// Long hex mantissas (more than 53 bits) near ties, in every binade
    /// class: normal, subnormal, overflow.
    #[test]
    fn long_hex_mantissas() {
        let mut rng = Rng(10);
        let mut t = Tally::default();
        for _ in 0..6_000 {
            let mut s = String::from("0x1.");
            // 52 fraction bits, mostly 0s or fs, then a digit at the tie.
            let same = rng.below(14);
            digits(&mut rng, b"0f", same, &mut s);
            digits(&mut rng, b"0123456789abcdef", 13 - same, &mut s);
            s.push(rng.pick(&['7', '8', '8', '9']));
            let tail = rng.below(30);
            digits(&mut rng, b"00000001", tail, &mut s);
            let e = rng.pick(&[0i32, 1023, 1024, -1022, -1023, -1030, -1074, -1075, -1076]);
            s += &format!("p{e}");
            t.check(&s);
        }
        t.finish("long hex mantissas");
    }

    /// Exact fixed-point decimal with 1100 fraction digits, enough for any
    /// double and for the midpoint of two neighbours.
    #[derive(Clone)]
    struct Fixed(Vec<u8>); // digit values, most significant first

    const SCALE: usize = 1100;

    impl Fixed {
        fn of(v: f64) -> Option<Fixed> {
            let s = c_printf(&format!("%.{SCALE}f"), v);
            let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
            let mut d = vec![0; 400 + SCALE - digits.len()];
            d.extend(digits);
            v.is_finite().then_some(Fixed(d))
        }

        fn add(&self, o: &Fixed) -> Fixed {
            let mut carry = 0;
            let mut d: Vec<u8> = self.0.iter().zip(&o.0).rev().map(|(a, b)| {
                let s = a + b + carry;
                carry = s / 10;
                s % 10
            }).collect();
            d.reverse();
            Fixed(d)
        }

        fn sub(&self, o: &Fixed) -> Fixed {
            let mut borrow = 0;
            let mut d: Vec<u8> = self.0.iter().zip(&o.0).rev().map(|(&a, &b)| {
                let s = 10 + a - b - borrow;
                borrow = u8::from(s < 10);
                s % 10
            }).collect();
            d.reverse();
            Fixed(d)
        }

        fn half(&self) -> Fixed {
            let mut rem = 0;
            Fixed(self.0.iter().map(|&a| {
                let x = rem * 10 + a;
                rem = x % 2;
                x / 2
            }).collect())
        }

        /// One unit in the last place below.
        fn down(&self) -> Fixed {
            let mut one = vec![0; self.0.len()];
            *one.last_mut().unwrap() = 1;
            self.sub(&Fixed(one))
        }
    }

    impl core::fmt::Display for Fixed {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            let (int, frac) = self.0.split_at(self.0.len() - SCALE);
            let int: String = int.iter().map(|d| char::from(d + b'0')).collect();
            let int = int.trim_start_matches('0');
            let frac: String = frac.iter().map(|d| char::from(d + b'0')).collect();
            write!(f, "{}.{}", if int.is_empty() { "0" } else { int }, frac.trim_end_matches('0'))
        }
    }
}
