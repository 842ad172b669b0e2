//! `time.h`. The clocks come from the host hooks; the sandbox has no time zone, so local time
//! is UTC and `%Z` prints "GMT" (as glibc does for `os.date("!…")`). Calendar arithmetic is proleptic Gregorian (Hinnant's
//! days-from-civil algorithms), valid for every year an `int` tm_year can name.

use crate::host;
use core::ffi::{c_char, c_int};
use std::cell::Cell;

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct Tm {
    sec: c_int,
    min: c_int,
    hour: c_int,
    mday: c_int,
    mon: c_int,
    year: c_int,
    wday: c_int,
    yday: c_int,
    isdst: c_int,
}

const DAY: i64 = 86_400;

thread_local! {
    /// gmtime/localtime return a pointer to static storage, as C specifies.
    static BROKEN_DOWN: Cell<Tm> = const { Cell::new(Tm { sec: 0, min: 0, hour: 0, mday: 1, mon: 0, year: 70, wday: 4, yday: 0, isdst: 0 }) };
}

/// # Safety
/// `out` is null or valid for a write.
#[unsafe(no_mangle)]
unsafe extern "C" fn time(out: *mut i64) -> i64 {
    let now = (host::wall_clock_ms() / 1000.0).floor() as i64;
    if !out.is_null() {
        // SAFETY: non-null out-pointers are valid, as C requires.
        unsafe { out.write(now) };
    }
    now
}

/// Microseconds (CLOCKS_PER_SEC is 1e6 in time.h).
#[unsafe(no_mangle)]
extern "C" fn clock() -> i64 {
    (host::cpu_clock_ms() * 1000.0) as i64
}

#[unsafe(no_mangle)]
extern "C" fn difftime(end: i64, start: i64) -> f64 {
    end as f64 - start as f64
}

fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Breaks a timestamp down, or None when the year does not fit in an int.
fn broken_down(t: i64) -> Option<Tm> {
    let days = t.div_euclid(DAY);
    let secs = t.rem_euclid(DAY);
    let (year, month, day) = civil_from_days(days);
    let year_start = days_from_civil(year, 1, 1);
    Some(Tm {
        sec: (secs % 60) as c_int,
        min: (secs / 60 % 60) as c_int,
        hour: (secs / 3600) as c_int,
        mday: day as c_int,
        mon: (month - 1) as c_int,
        year: c_int::try_from(year - 1900).ok()?,
        wday: (days + 4).rem_euclid(7) as c_int,
        yday: (days - year_start) as c_int,
        isdst: 0,
    })
}

/// # Safety
/// `t` is valid for a read.
#[unsafe(no_mangle)]
unsafe extern "C" fn gmtime(t: *const i64) -> *mut Tm {
    // SAFETY: the caller passes a valid pointer, as C requires.
    let Some(tm) = broken_down(unsafe { t.read() }) else { return core::ptr::null_mut() };
    BROKEN_DOWN.set(tm);
    BROKEN_DOWN.with(|cell| cell.as_ptr())
}

/// # Safety
/// As for `gmtime`: local time is UTC in the sandbox.
#[unsafe(no_mangle)]
unsafe extern "C" fn localtime(t: *const i64) -> *mut Tm {
    // SAFETY: forwarded contract.
    unsafe { gmtime(t) }
}

/// Normalises the fields (seconds 60+ carry into minutes, month 13 into the next year, …),
/// fills in wday and yday, and returns the timestamp, or -1 when it is out of range.
///
/// # Safety
/// `tm` is valid for reads and writes.
#[unsafe(no_mangle)]
unsafe extern "C" fn mktime(tm: *mut Tm) -> i64 {
    // SAFETY: the caller passes a valid pointer, as C requires.
    let fields = unsafe { tm.read() };
    let month = i64::from(fields.mon);
    let year = 1900 + i64::from(fields.year) + month.div_euclid(12);
    let days = days_from_civil(year, month.rem_euclid(12) + 1, 1) + i64::from(fields.mday) - 1;
    let t = days * DAY + i64::from(fields.hour) * 3600 + i64::from(fields.min) * 60 + i64::from(fields.sec);
    match broken_down(t) {
        Some(normalised) => {
            // SAFETY: as above.
            unsafe { tm.write(normalised) };
            t
        }
        None => -1,
    }
}

const WEEKDAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS: [&str; 12] = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
];

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// ISO 8601 week-based year and week number.
fn iso_week(tm: &Tm) -> (i64, i64) {
    let year = 1900 + i64::from(tm.year);
    let wday = (i64::from(tm.wday) + 6) % 7; // Monday = 0
    let yday = i64::from(tm.yday);
    let week = (yday - wday + 10) / 7;
    if week < 1 {
        let prev = year - 1;
        let prev_days = if is_leap(prev) { 366 } else { 365 };
        let prev_tm = Tm { yday: (yday + prev_days) as c_int, year: tm.year - 1, ..*tm };
        return (prev, iso_week(&prev_tm).1);
    }
    let days_in_year = if is_leap(year) { 366 } else { 365 };
    if week == 53 && yday - wday + 3 >= days_in_year {
        return (year + 1, 1);
    }
    (year, week)
}

/// Appends one conversion (the character after '%', E and O modifiers already skipped) in the
/// "C" locale, as glibc prints it.
fn convert(out: &mut Vec<u8>, conv: u8, tm: &Tm) {
    use std::io::Write;
    let year = 1900 + i64::from(tm.year);
    let weekday = WEEKDAYS[tm.wday.rem_euclid(7) as usize];
    let month = MONTHS[tm.mon.rem_euclid(12) as usize];
    let hour12 = if tm.hour % 12 == 0 { 12 } else { tm.hour % 12 };
    let _ = match conv {
        b'a' => write!(out, "{}", &weekday[..3]),
        b'A' => write!(out, "{weekday}"),
        b'b' | b'h' => write!(out, "{}", &month[..3]),
        b'B' => write!(out, "{month}"),
        b'c' => write!(out, "{} {} {:2} {:02}:{:02}:{:02} {year}", &weekday[..3], &month[..3], tm.mday, tm.hour, tm.min, tm.sec),
        b'C' => write!(out, "{:02}", year.div_euclid(100)),
        b'd' => write!(out, "{:02}", tm.mday),
        b'D' | b'x' => write!(out, "{:02}/{:02}/{:02}", tm.mon + 1, tm.mday, year.rem_euclid(100)),
        b'e' => write!(out, "{:2}", tm.mday),
        b'F' => write!(out, "{year}-{:02}-{:02}", tm.mon + 1, tm.mday),
        b'g' => write!(out, "{:02}", iso_week(tm).0.rem_euclid(100)),
        b'G' => write!(out, "{}", iso_week(tm).0),
        b'H' => write!(out, "{:02}", tm.hour),
        b'I' => write!(out, "{hour12:02}"),
        b'j' => write!(out, "{:03}", tm.yday + 1),
        b'm' => write!(out, "{:02}", tm.mon + 1),
        b'M' => write!(out, "{:02}", tm.min),
        b'n' => out.write_all(b"\n"),
        b'p' => write!(out, "{}", if tm.hour < 12 { "AM" } else { "PM" }),
        b'r' => write!(out, "{hour12:02}:{:02}:{:02} {}", tm.min, tm.sec, if tm.hour < 12 { "AM" } else { "PM" }),
        b'R' => write!(out, "{:02}:{:02}", tm.hour, tm.min),
        b'S' => write!(out, "{:02}", tm.sec),
        b't' => out.write_all(b"\t"),
        b'T' | b'X' => write!(out, "{:02}:{:02}:{:02}", tm.hour, tm.min, tm.sec),
        b'u' => write!(out, "{}", if tm.wday == 0 { 7 } else { tm.wday }),
        b'U' => write!(out, "{:02}", (tm.yday + 7 - tm.wday) / 7),
        b'V' => write!(out, "{:02}", iso_week(tm).1),
        b'w' => write!(out, "{}", tm.wday),
        b'W' => write!(out, "{:02}", (tm.yday + 7 - (tm.wday + 6) % 7) / 7),
        b'y' => write!(out, "{:02}", year.rem_euclid(100)),
        b'Y' => write!(out, "{year}"),
        b'z' => write!(out, "+0000"),
        b'Z' => write!(out, "GMT"),
        b'%' => write!(out, "%"),
        other => out.write_all(&[b'%', other]),
    };
}

/// # Safety
/// `s` is valid for `max` bytes, `fmt` is a NUL-terminated string and `tm` valid for a read.
#[unsafe(no_mangle)]
unsafe extern "C" fn strftime(s: *mut c_char, max: usize, fmt: *const c_char, tm: *const Tm) -> usize {
    // SAFETY: the caller passes valid pointers, as C requires.
    let (fmt, tm) = unsafe { (core::ffi::CStr::from_ptr(fmt).to_bytes(), &*tm) };
    let mut out = Vec::new();
    let mut i = 0;
    while i < fmt.len() {
        if fmt[i] != b'%' || i + 1 == fmt.len() {
            out.push(fmt[i]);
            i += 1;
            continue;
        }
        i += 1;
        if matches!(fmt[i], b'E' | b'O') && i + 1 < fmt.len() {
            i += 1; // alternative representations are the plain ones in the "C" locale
        }
        convert(&mut out, fmt[i], tm);
        i += 1;
    }
    if out.len() >= max {
        return 0;
    }
    // SAFETY: `out` plus its NUL fits in the `max` bytes of `s`.
    unsafe {
        core::ptr::copy_nonoverlapping(out.as_ptr(), s as *mut u8, out.len());
        s.add(out.len()).write(0);
    }
    out.len()
}
