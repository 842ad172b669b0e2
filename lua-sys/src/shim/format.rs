//! One printf conversion, byte-for-byte as glibc prints it.
//!
//! The C `vsnprintf` of the shim parses the format string and fetches each
//! argument with `va_arg`; it hands one conversion at a time to
//! [`format_arg`]. Float digits come from `core::fmt`, which is exact and
//! rounds half-to-even like glibc in its default rounding mode; this module
//! only reshapes them into C's layout (signs, `e+05`, `%g`, `#`, padding).
//! `%a` is built from the bits because `core::fmt` has no hex floats.

use core::fmt::Write as _;

/// One parsed printf conversion spec.
#[derive(Clone, Copy, Debug, Default)]
pub struct Spec {
    /// `-`: pad on the right.
    pub left: bool,
    /// `+`: always print a sign on signed conversions.
    pub plus: bool,
    /// ` `: a space where a `+` would go.
    pub space: bool,
    /// `#`: alternate form (`0x`, leading octal `0`, forced decimal point).
    pub alt: bool,
    /// `0`: pad with zeros after the sign or `0x`.
    pub zero: bool,
    /// Minimum field width.
    pub width: usize,
    /// Precision, if one was given (`%.f` arrives as `Some(0)`).
    pub precision: Option<usize>,
    /// b'd', b'i', b'u', b'c', b'x', b'X', b'o', b'e', b'E', b'f', b'F',
    /// b'g', b'G', b'a', b'A', b's', b'p'.
    pub conv: u8,
}

/// One argument, already fetched with `va_arg` by the C side (integers
/// already widened/truncated according to the length modifier and
/// signedness).
#[derive(Clone, Copy, Debug)]
pub enum Arg<'a> {
    Signed(i64),
    Unsigned(u64),
    Float(f64),
    Char(u8),
    Str(&'a [u8]),
    Pointer(usize),
}

/// Appends the formatted argument to `out`, exactly as glibc's printf would.
///
/// An unknown conversion prints nothing: the C side owns the format string
/// and decides what to do with it.
pub fn format_arg(spec: &Spec, arg: Arg<'_>, out: &mut dyn FnMut(&[u8])) {
    match spec.conv {
        b'd' | b'i' => signed(spec, as_i64(arg), out),
        b'u' | b'x' | b'X' | b'o' => unsigned(spec, as_u64(arg), out),
        b'c' => emit(spec, b"", 0, &[as_u64(arg) as u8], false, out),
        b's' => string(spec, arg, out),
        b'p' => pointer(spec, as_u64(arg), out),
        b'e' | b'E' | b'f' | b'F' | b'g' | b'G' | b'a' | b'A' => float(spec, as_f64(arg), out),
        _ => {}
    }
}

/// Integer view of an argument: a mismatched `Arg` behaves like the C bits.
fn as_u64(arg: Arg<'_>) -> u64 {
    match arg {
        Arg::Signed(v) => v as u64,
        Arg::Unsigned(v) => v,
        Arg::Float(v) => v as i64 as u64,
        Arg::Char(c) => u64::from(c),
        Arg::Str(s) => s.as_ptr() as usize as u64,
        Arg::Pointer(p) => p as u64,
    }
}

fn as_i64(arg: Arg<'_>) -> i64 {
    as_u64(arg) as i64
}

fn as_f64(arg: Arg<'_>) -> f64 {
    match arg {
        Arg::Float(v) => v,
        Arg::Signed(v) => v as f64,
        other => as_u64(other) as f64,
    }
}

/// Writes `prefix`, `zeros` zeros and `body`, padded to the field width.
///
/// `zero_ok` says whether the `0` flag may turn the padding into zeros
/// (glibc ignores it for integers with a precision, inf/nan, `%c`, `%s`
/// and `(nil)`). Zero padding goes between the prefix
/// (sign, `0x`) and the digits; `-` wins over `0`.
fn emit(spec: &Spec, prefix: &[u8], zeros: usize, body: &[u8], zero_ok: bool, out: &mut dyn FnMut(&[u8])) {
    let len = prefix.len() + zeros + body.len();
    let pad = spec.width.saturating_sub(len);
    if spec.left {
        out(prefix);
        repeat(b'0', zeros, out);
        out(body);
        repeat(b' ', pad, out);
    } else if spec.zero && zero_ok {
        out(prefix);
        repeat(b'0', zeros + pad, out);
        out(body);
    } else {
        repeat(b' ', pad, out);
        out(prefix);
        repeat(b'0', zeros, out);
        out(body);
    }
}

/// Emits `n` copies of `byte` in chunks, without a buffer of size `n`.
fn repeat(byte: u8, mut n: usize, out: &mut dyn FnMut(&[u8])) {
    let chunk = [byte; 32];
    while n > 0 {
        let k = n.min(chunk.len());
        out(&chunk[..k]);
        n -= k;
    }
}

/// `%d`/`%i`: sign, then the magnitude as an unsigned decimal.
fn signed(spec: &Spec, v: i64, out: &mut dyn FnMut(&[u8])) {
    let sign = sign_byte(v < 0, spec);
    let sign = sign.as_slice();
    let mut buf = [0u8; 24];
    let digits = digits(v.unsigned_abs(), 10, false, spec.precision, &mut buf);
    let zeros = spec.precision.map_or(0, |p| p.saturating_sub(digits.len()));
    emit(spec, sign, zeros, digits, spec.precision.is_none(), out);
}

/// `%u`/`%x`/`%X`/`%o`: C ignores `+` and ` ` for unsigned conversions.
fn unsigned(spec: &Spec, v: u64, out: &mut dyn FnMut(&[u8])) {
    let (base, upper) = match spec.conv {
        b'x' => (16, false),
        b'X' => (16, true),
        b'o' => (8, false),
        _ => (10, false),
    };
    let prefix: &[u8] = match (spec.alt && v != 0, spec.conv) {
        (true, b'x') => b"0x",
        (true, b'X') => b"0X",
        _ => b"",
    };
    let mut buf = [0u8; 24];
    let digits = digits(v, base, upper, spec.precision, &mut buf);
    let mut zeros = spec.precision.map_or(0, |p| p.saturating_sub(digits.len()));
    // `%#o` guarantees a leading 0, also for `%#.0o` of 0.
    if base == 8 && spec.alt && zeros == 0 && digits.first() != Some(&b'0') {
        zeros = 1;
    }
    emit(spec, prefix, zeros, digits, spec.precision.is_none(), out);
}

/// `%p`: glibc prints a non-null pointer as `%#lx` (keeping `+`/` `, which
/// it does not reset for pointers) and null as `(nil)`, never truncated.
fn pointer(spec: &Spec, v: u64, out: &mut dyn FnMut(&[u8])) {
    if v == 0 {
        return emit(spec, b"", 0, b"(nil)", false, out);
    }
    let sign: &[u8] = if spec.plus {
        b"+0x"
    } else if spec.space {
        b" 0x"
    } else {
        b"0x"
    };
    let mut buf = [0u8; 24];
    let digits = digits(v, 16, false, spec.precision, &mut buf);
    let zeros = spec.precision.map_or(0, |p| p.saturating_sub(digits.len()));
    emit(spec, sign, zeros, digits, spec.precision.is_none(), out);
}

/// `%s`: a precision caps the number of bytes taken from the string.
fn string(spec: &Spec, arg: Arg<'_>, out: &mut dyn FnMut(&[u8])) {
    let s = match arg {
        Arg::Str(s) => s,
        _ => b"",
    };
    let s = &s[..spec.precision.map_or(s.len(), |p| p.min(s.len()))];
    emit(spec, b"", 0, s, false, out);
}

/// Digits of `v` in `base`, right-aligned in `buf`; an explicit precision
/// of 0 prints no digits for 0, as C requires.
fn digits(mut v: u64, base: u64, upper: bool, precision: Option<usize>, buf: &mut [u8; 24]) -> &[u8] {
    if v == 0 && precision == Some(0) {
        return &[];
    }
    let table: &[u8; 16] = if upper { b"0123456789ABCDEF" } else { b"0123456789abcdef" };
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = table[(v % base) as usize];
        v /= base;
        if v == 0 {
            break;
        }
    }
    &buf[i..]
}

/// Floating conversions: sign and inf/nan are common, digits per style.
fn float(spec: &Spec, v: f64, out: &mut dyn FnMut(&[u8])) {
    let upper = spec.conv.is_ascii_uppercase();
    let hex = spec.conv.eq_ignore_ascii_case(&b'a');
    let mut prefix = [0u8; 3];
    let mut n = 0;
    if let Some(s) = sign_byte(v.is_sign_negative(), spec) {
        prefix[0] = s;
        n = 1;
    }
    if !v.is_finite() {
        // No `0x` and no zero padding for inf/nan.
        let body: &[u8] = match (v.is_nan(), upper) {
            (true, false) => b"nan",
            (true, true) => b"NAN",
            (false, false) => b"inf",
            (false, true) => b"INF",
        };
        return emit(spec, &prefix[..n], 0, body, false, out);
    }
    if hex {
        prefix[n..n + 2].copy_from_slice(if upper { b"0X" } else { b"0x" });
        n += 2;
    }
    let mut buf = Buf::new();
    let a = v.abs();
    match spec.conv.to_ascii_lowercase() {
        b'e' => fixed_e(&mut buf, a, spec.precision.unwrap_or(6), spec.alt, upper),
        b'f' => fixed_f(&mut buf, a, spec.precision.unwrap_or(6), spec.alt),
        b'g' => general(&mut buf, a, spec.precision.unwrap_or(6), spec.alt, upper),
        _ => hex_float(&mut buf, a, spec.precision, spec.alt, upper),
    }
    emit(spec, &prefix[..n], 0, buf.as_bytes(), true, out);
}

/// The sign position of a signed conversion: `-`, else `+` or ` ` by flag.
fn sign_byte(negative: bool, spec: &Spec) -> Option<u8> {
    match (negative, spec.plus, spec.space) {
        (true, _, _) => Some(b'-'),
        (false, true, _) => Some(b'+'),
        (false, false, true) => Some(b' '),
        (false, false, false) => None,
    }
}

/// `%e`: `d.ddde+XX` with at least two exponent digits.
fn fixed_e(buf: &mut Buf, a: f64, prec: usize, alt: bool, upper: bool) {
    let exp = scientific(buf, a, prec);
    if alt && prec == 0 {
        buf.push(b".");
    }
    exponent(buf, if upper { b'E' } else { b'e' }, exp, 2);
}

/// `%f`: `core::fmt` already prints all integer digits exactly.
fn fixed_f(buf: &mut Buf, a: f64, prec: usize, alt: bool) {
    let _ = write!(buf, "{a:.prec$}");
    if alt && prec == 0 {
        buf.push(b".");
    }
}

/// `%g`: `%e` or `%f` depending on the decimal exponent after rounding to
/// P significant digits, then trailing zeros removed unless `#`.
fn general(buf: &mut Buf, a: f64, prec: usize, alt: bool, upper: bool) {
    let p = prec.max(1);
    let x = scientific(buf, a, p - 1);
    if alt && x == p as i64 && exact_exponent(a) == x - 1 {
        // glibc quirk: it picks `%f` style from the unrounded exponent; when
        // rounding then carries into a new digit it switches to `%e` but
        // drops the zeros `#` should keep: `%#g` of 999999.5 is `1.e+06`.
        buf.clear();
        buf.push(b"1.");
        return exponent(buf, if upper { b'E' } else { b'e' }, x, 2);
    }
    let use_f = x >= -4 && x < p as i64;
    if use_f {
        buf.clear();
        // Same rounding position as the `%e` above, so the digits agree.
        let _ = write!(buf, "{a:.*}", (p as i64 - 1 - x) as usize);
    }
    if alt {
        if !buf.as_bytes().contains(&b'.') {
            buf.push(b".");
        }
    } else if buf.as_bytes().contains(&b'.') {
        let digits = buf.as_bytes();
        let keep = digits.iter().rposition(|&b| b != b'0').unwrap_or(0);
        let keep = if digits[keep] == b'.' { keep } else { keep + 1 };
        buf.truncate(keep);
    }
    if !use_f {
        exponent(buf, if upper { b'E' } else { b'e' }, x, 2);
    }
}

/// Writes the mantissa of `{:.prec$e}` into `buf` and returns the exponent.
fn scientific(buf: &mut Buf, a: f64, prec: usize) -> i64 {
    let mut w = SplitExp { buf: Some(buf), in_exp: false, neg: false, exp: 0 };
    let _ = write!(w, "{a:.prec$e}");
    if w.neg { -w.exp } else { w.exp }
}

/// The decimal exponent of `a` before any rounding (800 digits are more
/// than the 767 significant digits a double can have).
fn exact_exponent(a: f64) -> i64 {
    let mut w = SplitExp { buf: None, in_exp: false, neg: false, exp: 0 };
    let _ = write!(w, "{a:.800e}");
    if w.neg { -w.exp } else { w.exp }
}

/// Appends `e+05`-style exponents: explicit sign, at least `min` digits.
fn exponent(buf: &mut Buf, letter: u8, exp: i64, min: usize) {
    buf.push(&[letter, if exp < 0 { b'-' } else { b'+' }]);
    let mut digits = [0u8; 24];
    let d = self::digits(exp.unsigned_abs(), 10, false, None, &mut digits);
    for _ in d.len()..min {
        buf.push(b"0");
    }
    buf.push(d);
}

/// `%a`: glibc's layout. Normal numbers get a leading `1`, subnormals a
/// leading `0` with exponent -1022, zero is `0x0p+0`. Rounding to the
/// precision is half-to-even on the bits and may carry the leading digit
/// to `2` (glibc keeps the exponent then: `%.0a` of 1.5 is `0x2p+0`).
fn hex_float(buf: &mut Buf, a: f64, prec: Option<usize>, alt: bool, upper: bool) {
    let bits = a.to_bits();
    let biased = (bits >> 52) as i64;
    let frac = bits & ((1 << 52) - 1);
    let (lead, exp) = match (biased, frac) {
        (0, 0) => (0, 0),
        (0, _) => (0, -1022),
        _ => (1u64, biased - 1023),
    };
    // Default precision: just enough nibbles to be exact.
    let nibbles = prec.unwrap_or(13 - (frac.trailing_zeros().min(52) / 4) as usize);
    let kept = nibbles.min(13);
    let full = (lead << 52) | frac;
    let shift = 4 * (13 - kept) as u32;
    let mut m = full >> shift;
    if shift > 0 {
        let rem = full & ((1 << shift) - 1);
        let half = 1u64 << (shift - 1);
        if rem > half || (rem == half && m & 1 == 1) {
            m += 1;
        }
    }
    let table: &[u8; 16] = if upper { b"0123456789ABCDEF" } else { b"0123456789abcdef" };
    buf.push(&[table[(m >> (4 * kept)) as usize]]);
    if nibbles > 0 || alt {
        buf.push(b".");
    }
    for i in (0..kept).rev() {
        buf.push(&[table[((m >> (4 * i)) & 15) as usize]]);
    }
    for _ in kept..nibbles {
        buf.push(b"0");
    }
    exponent(buf, if upper { b'P' } else { b'p' }, exp, 1);
}

/// Splits `core::fmt`'s `1.5e-7` into mantissa (kept in the buffer) and
/// exponent (parsed), so the exponent can be re-written C's way.
struct SplitExp<'b> {
    buf: Option<&'b mut Buf>,
    in_exp: bool,
    neg: bool,
    exp: i64,
}

impl core::fmt::Write for SplitExp<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for &b in s.as_bytes() {
            match (self.in_exp, b) {
                (false, b'e') => self.in_exp = true,
                (false, _) => {
                    if let Some(buf) = &mut self.buf {
                        buf.push(&[b]);
                    }
                }
                (true, b'-') => self.neg = true,
                (true, _) => self.exp = self.exp * 10 + i64::from(b - b'0'),
            }
        }
        Ok(())
    }
}

/// Output of one float conversion. 512 bytes on the stack hold everything
/// Lua can ask for (`%.99f` of DBL_MAX is 410 bytes); longer output (an
/// arbitrary precision from C) spills to the heap.
struct Buf {
    stack: [u8; 512],
    len: usize,
    heap: Option<Vec<u8>>,
}

impl Buf {
    fn new() -> Self {
        Buf { stack: [0; 512], len: 0, heap: None }
    }

    fn push(&mut self, bytes: &[u8]) {
        if let Some(heap) = &mut self.heap {
            heap.extend_from_slice(bytes);
        } else if self.len + bytes.len() <= self.stack.len() {
            self.stack[self.len..self.len + bytes.len()].copy_from_slice(bytes);
            self.len += bytes.len();
        } else {
            let mut heap = self.stack[..self.len].to_vec();
            heap.extend_from_slice(bytes);
            self.heap = Some(heap);
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match &self.heap {
            Some(heap) => heap,
            None => &self.stack[..self.len],
        }
    }

    fn truncate(&mut self, n: usize) {
        match &mut self.heap {
            Some(heap) => heap.truncate(n),
            None => self.len = self.len.min(n),
        }
    }

    fn clear(&mut self) {
        self.heap = None;
        self.len = 0;
    }
}

impl core::fmt::Write for Buf {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.push(s.as_bytes());
        Ok(())
    }
}

/// Compares [`format_arg`] with the real glibc `snprintf`, natively.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use core::ffi::{c_char, c_int, c_longlong, c_ulonglong, c_void};
    use std::ffi::CString;

    unsafe extern "C" {
        fn snprintf(buf: *mut c_char, n: usize, fmt: *const c_char, ...) -> c_int;
    }

    const FLOAT_CONVS: &[u8] = b"eEfFgGaA";
    const INT_CONVS: &[u8] = b"diuxXo";
    const WIDTHS: &[usize] = &[0, 1, 5, 30];
    const PRECISIONS: &[Option<usize>] =
        &[None, Some(0), Some(1), Some(3), Some(6), Some(14), Some(17), Some(20), Some(99)];

    use crate::test_rng::Rng;

    /// All 32 flag combinations × widths × precisions for one conversion.
    fn all_specs(conv: u8) -> impl Iterator<Item = Spec> {
        (0..32u8).flat_map(move |flags| {
            WIDTHS.iter().flat_map(move |&width| {
                PRECISIONS.iter().map(move |&precision| spec(conv, flags, width, precision))
            })
        })
    }

    fn spec(conv: u8, flags: u8, width: usize, precision: Option<usize>) -> Spec {
        Spec {
            left: flags & 1 != 0,
            plus: flags & 2 != 0,
            space: flags & 4 != 0,
            alt: flags & 8 != 0,
            zero: flags & 16 != 0,
            width,
            precision,
            conv,
        }
    }

    fn random_spec(rng: &mut Rng, conv: u8) -> Spec {
        let width = if rng.below(4) == 0 { rng.below(40) } else { rng.pick(WIDTHS) };
        let precision = if rng.below(4) == 0 { Some(rng.below(120)) } else { rng.pick(PRECISIONS) };
        spec(conv, rng.below(32) as u8, width, precision)
    }

    /// The C format string for one spec; integers go through `ll`.
    fn c_format(spec: &Spec) -> CString {
        let mut f = String::from("%");
        for (on, c) in [(spec.left, '-'), (spec.plus, '+'), (spec.space, ' '), (spec.alt, '#'), (spec.zero, '0')] {
            if on {
                f.push(c);
            }
        }
        if spec.width > 0 {
            f += &spec.width.to_string();
        }
        if let Some(p) = spec.precision {
            f += &format!(".{p}");
        }
        if INT_CONVS.contains(&spec.conv) {
            f += "ll";
        }
        f.push(char::from(spec.conv));
        CString::new(f).unwrap()
    }

    fn glibc(spec: &Spec, arg: Arg<'_>) -> Vec<u8> {
        let fmt = c_format(spec);
        let string = match arg {
            Arg::Str(s) => CString::new(s).unwrap(),
            _ => CString::default(),
        };
        let mut buf = vec![0u8; 256];
        loop {
            let (p, n, f) = (buf.as_mut_ptr().cast::<c_char>(), buf.len(), fmt.as_ptr());
            // SAFETY: `buf` is writable for `n` bytes; `fmt` is
            // NUL-terminated and holds exactly one conversion, whose C type
            // matches the one argument passed (`ll` integers, `int` for
            // `%c`, a NUL-terminated string for `%s`, `void *` for `%p`).
            let len = unsafe {
                match arg {
                    Arg::Signed(v) => snprintf(p, n, f, v as c_longlong),
                    Arg::Unsigned(v) => snprintf(p, n, f, v as c_ulonglong),
                    Arg::Float(v) => snprintf(p, n, f, v),
                    Arg::Char(c) => snprintf(p, n, f, c_int::from(c)),
                    Arg::Str(_) => snprintf(p, n, f, string.as_ptr()),
                    Arg::Pointer(v) => snprintf(p, n, f, v as *const c_void),
                }
            };
            let len = usize::try_from(len).expect("snprintf failed");
            if len < buf.len() {
                buf.truncate(len);
                return buf;
            }
            buf.resize(len + 1, 0);
        }
    }

    fn ours(spec: &Spec, arg: Arg<'_>) -> Vec<u8> {
        let mut v = Vec::new();
        format_arg(spec, arg, &mut |b| v.extend_from_slice(b));
        v
    }

    /// Counts comparisons and keeps the first few mismatches for the report.
    #[derive(Default)]
    struct Tally {
        cases: usize,
        failures: Vec<String>,
    }

    impl Tally {
        fn check(&mut self, spec: &Spec, arg: Arg<'_>) {
            self.cases += 1;
            let (want, got) = (glibc(spec, arg), ours(spec, arg));
            if want != got && self.failures.len() < 20 {
                self.failures.push(format!(
                    "{:?} {arg:?}: glibc {:?}, ours {:?}",
                    c_format(spec),
                    String::from_utf8_lossy(&want),
                    String::from_utf8_lossy(&got)
                ));
            }
        }

        fn finish(self, what: &str) {
            eprintln!("{what}: {} cases compared", self.cases);
            assert!(self.failures.is_empty(), "{what} mismatches:\n{}", self.failures.join("\n"));
        }
    }

    const SPECIAL_FLOATS: &[f64] = &[
        0.0, -0.0, 0.1, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 1.0, -1.0, 9.5, 99.5, 999999.5,
        9007199254740992.0, 9223372036854775808.0, 1e15, 1e16, 1e22, 1e23, -1e100, 1e-5, 1e-4,
        9.9999e-5, 0.00001234, 123456.0, 1234567.0, 0.999999951, 9.9999996, core::f64::consts::PI,
        5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, f64::MAX, -f64::MAX,
        f64::INFINITY, f64::NEG_INFINITY, f64::NAN, -f64::NAN, 1e308, 1.9999999999999998,
        1.0000000000000002, 0.0625, 15.96875, 99.95, 999.5, 0.995, 0.99999996, 9.9999e22,
    ];

    #[test]
    fn floats_special_values_full_grid() {
        let mut t = Tally::default();
        for &v in SPECIAL_FLOATS {
            for &conv in FLOAT_CONVS {
                for spec in all_specs(conv) {
                    t.check(&spec, Arg::Float(v));
                }
            }
        }
        t.finish("special floats");
    }

    /// Random bit patterns reach every exponent, subnormals, inf and nan.
    #[test]
    fn floats_random_bits() {
        let mut rng = Rng(1);
        let mut t = Tally::default();
        for i in 0..12_000 {
            let bits = match i % 4 {
                0 => rng.next() & !(0x7ff << 52), // subnormal or zero
                1 => rng.next() | (0x7ff << 52),  // inf or nan
                _ => rng.next(),
            };
            let bits = if i % 97 == 0 { bits & !(0x7ff << 52) & (0xfff << 52) } else { bits };
            let v = f64::from_bits(bits);
            for &conv in FLOAT_CONVS {
                t.check(&random_spec(&mut rng, conv), Arg::Float(v));
            }
        }
        t.finish("random floats");
    }

    /// Short decimals sit on rounding ties and `%g` exponent switches.
    #[test]
    fn floats_short_decimals() {
        let mut rng = Rng(2);
        let mut t = Tally::default();
        for _ in 0..6_000 {
            let digits = rng.below(100_000) as f64;
            let v = digits * 10f64.powi(rng.below(30) as i32 - 15);
            for &conv in b"efg" {
                t.check(&random_spec(&mut rng, conv), Arg::Float(v));
            }
        }
        t.finish("short decimals");
    }

    /// `9.95e7`-like values carry into a new digit at some precision: the
    /// `%g` style switch and glibc's `%#g` quirk live there.
    #[test]
    fn rounding_carries() {
        let mut t = Tally::default();
        for nines in 0..17 {
            for exp in -7..24 {
                let v: f64 = format!("9.{}5e{exp}", "9".repeat(nines)).parse().unwrap();
                for p in 0..20 {
                    for conv in [b'g', b'G', b'e', b'f'] {
                        t.check(&spec(conv, 8, 0, Some(p)), Arg::Float(v));
                        t.check(&spec(conv, 0, 0, Some(p)), Arg::Float(-v));
                    }
                }
            }
        }
        t.finish("rounding carries");
    }

    #[test]
    fn hex_float_rounding() {
        let mut rng = Rng(3);
        let mut t = Tally::default();
        for _ in 0..3_000 {
            // Few distinct nibbles make ties (8) and carries (f) common.
            let mut frac = 0u64;
            for _ in 0..13 {
                frac = frac << 4 | rng.pick(&[0u64, 1, 7, 8, 9, 0xf]);
            }
            let exp = rng.pick(&[0u64, 1, 1023, 2046]);
            let v = f64::from_bits(exp << 52 | frac | (rng.next() & 1) << 63);
            for p in 0..15 {
                let flags = rng.below(32) as u8;
                t.check(&spec(rng.pick(b"aA"), flags, rng.pick(WIDTHS), Some(p)), Arg::Float(v));
            }
        }
        t.finish("hex floats");
    }

    #[test]
    fn integers_full_grid() {
        let signed = [0, 1, -1, 7, -42, 255, 1 << 31, i64::from(i32::MIN), i64::MAX, i64::MIN, 1_000_000];
        let unsigned = [0, 1, 7, 8, 0o777, 0xdead_beef, u64::MAX, 1 << 63, u64::from(u32::MAX)];
        let mut t = Tally::default();
        for &conv in INT_CONVS {
            for spec in all_specs(conv) {
                if matches!(conv, b'd' | b'i') {
                    signed.iter().for_each(|&v| t.check(&spec, Arg::Signed(v)));
                } else {
                    unsigned.iter().for_each(|&v| t.check(&spec, Arg::Unsigned(v)));
                }
            }
        }
        t.finish("integers");
    }

    #[test]
    fn integers_random() {
        let mut rng = Rng(4);
        let mut t = Tally::default();
        for _ in 0..20_000 {
            let v = rng.next() >> rng.below(64);
            let conv = rng.pick(INT_CONVS);
            let arg = if matches!(conv, b'd' | b'i') { Arg::Signed(v as i64) } else { Arg::Unsigned(v) };
            t.check(&random_spec(&mut rng, conv), arg);
        }
        t.finish("random integers");
    }

    #[test]
    fn chars_strings_pointers() {
        let mut t = Tally::default();
        for spec in all_specs(b'c') {
            for c in [b'a', b' ', 0, 0xff] {
                t.check(&spec, Arg::Char(c));
            }
        }
        for spec in all_specs(b's') {
            for s in [&b""[..], b"x", b"hello", b"a longer string, longer than thirty bytes"] {
                t.check(&spec, Arg::Str(s));
            }
        }
        for spec in all_specs(b'p') {
            for p in [0, 1, 0xdead_beef, usize::MAX] {
                t.check(&spec, Arg::Pointer(p));
            }
        }
        t.finish("chars, strings, pointers");
    }

    /// Precision beyond the 512-byte stack buffer still matches.
    #[test]
    fn huge_precision_spills_to_heap() {
        let mut t = Tally::default();
        for v in [f64::MAX, 5e-324, 0.1, 1.0 / 3.0] {
            for conv in [b'f', b'e', b'g', b'a'] {
                for p in [600, 1100, 2000] {
                    t.check(&spec(conv, 8, 3000, Some(p)), Arg::Float(v));
                }
            }
        }
        t.finish("huge precision");
    }
}
