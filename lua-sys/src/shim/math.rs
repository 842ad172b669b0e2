//! `math.h` through the `libm` crate (a port of musl's libm).

use core::ffi::c_int;

macro_rules! export_unary {
    ($($name:ident),* $(,)?) => {$(
        #[unsafe(no_mangle)]
        extern "C" fn $name(x: f64) -> f64 {
            libm::$name(x)
        }
    )*};
}

export_unary!(fabs, floor, ceil, sqrt, exp, log, log2, log10, sin, cos, tan, asin, acos, atan, sinh, cosh, tanh);

#[unsafe(no_mangle)]
extern "C" fn fmod(x: f64, y: f64) -> f64 {
    libm::fmod(x, y)
}

#[unsafe(no_mangle)]
extern "C" fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

#[unsafe(no_mangle)]
extern "C" fn atan2(y: f64, x: f64) -> f64 {
    libm::atan2(y, x)
}

#[unsafe(no_mangle)]
extern "C" fn ldexp(x: f64, exp: c_int) -> f64 {
    libm::ldexp(x, exp)
}

/// # Safety
/// `exp` is valid for a write.
#[unsafe(no_mangle)]
unsafe extern "C" fn frexp(x: f64, exp: *mut c_int) -> f64 {
    let (mantissa, e) = libm::frexp(x);
    // SAFETY: the caller passes a valid out-pointer, as C requires.
    unsafe { exp.write(e) };
    mantissa
}

/// # Safety
/// `iptr` is valid for a write.
#[unsafe(no_mangle)]
unsafe extern "C" fn modf(x: f64, iptr: *mut f64) -> f64 {
    let (fraction, integral) = libm::modf(x);
    // SAFETY: the caller passes a valid out-pointer, as C requires.
    unsafe { iptr.write(integral) };
    fraction
}
