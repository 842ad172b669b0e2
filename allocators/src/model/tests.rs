//! The seeded shadow-model test on every backend, bare and under every decorator.

use super::*;

/// Operations per seed; a few seeds per backend keep the whole suite to seconds in debug.
const OPS: usize = if cfg!(miri) { 150 } else { 3_000 };
const SEEDS: [u64; 3] = [1, 0xDEAD_BEEF, 42];

fn seeds<B: Backend + Default>() {
    for seed in SEEDS {
        check_backend::<B>(Input::seeded(seed, OPS));
    }
}

#[cfg(feature = "bump")]
#[test]
fn bump() {
    seeds::<crate::Bump>();
}

#[cfg(feature = "dlmalloc")]
#[test]
fn dlmalloc() {
    seeds::<crate::Dlmalloc>();
}

#[cfg(feature = "talc")]
#[test]
fn talc() {
    seeds::<crate::Talc>();
}

#[cfg(feature = "buddy")]
#[test]
fn buddy() {
    seeds::<crate::Buddy>();
}

#[cfg(feature = "slab")]
#[test]
fn slab() {
    seeds::<crate::Slab>();
}

#[cfg(all(feature = "system", not(target_arch = "wasm32")))]
#[test]
fn system() {
    seeds::<crate::System>();
}

/// The geometric growth policy on every growing backend.
#[cfg(any(
    feature = "talc",
    feature = "dlmalloc",
    feature = "buddy",
    feature = "bump",
    feature = "slab"
))]
#[test]
fn geometric_policy() {
    use crate::GrowthPolicy::Geometric;
    macro_rules! geometric {
        ($t:ty) => {{
            let mut b = <$t>::with_policy(Geometric);
            run(&mut b, Input::seeded(7, OPS), |_, _| {});
            assert!(b.footprint().grow_count > 0);
        }};
    }
    #[cfg(feature = "bump")]
    geometric!(crate::Bump);
    #[cfg(feature = "dlmalloc")]
    geometric!(crate::Dlmalloc);
    #[cfg(feature = "talc")]
    geometric!(crate::Talc);
    #[cfg(feature = "buddy")]
    geometric!(crate::Buddy);
    #[cfg(feature = "slab")]
    geometric!(crate::Slab);
}

/// A fuzz input of arbitrary bytes runs the same checks.
#[test]
fn fuzz_body_on_fixed_bytes() {
    let bytes: Vec<u8> = (0..4_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    fuzz_one_input(&bytes);
    fuzz_one_input(&[]);
    fuzz_one_input(&[0xff]);
}

/// A recorded trace replays to the same peak on every backend.
#[cfg(all(
    feature = "trace",
    any(
        feature = "talc",
        feature = "dlmalloc",
        feature = "buddy",
        feature = "bump",
        feature = "slab"
    )
))]
#[test]
fn trace_replays_on_every_backend() {
    use crate::{Trace, replay};
    let mut t = Trace::new(crate::DefaultBackend::default());
    let counts = run(&mut t, Input::seeded(3, OPS), |_, _| {});
    assert_eq!(
        t.ops() as u64,
        counts.allocations + counts.reallocations + counts.frees
    );
    let trace = t.take_trace();
    macro_rules! each {
        ($name:ident, $t:ty) => {{
            let mut b = Stats::new(<$t>::default());
            let r = replay(&trace, &mut b).expect("a recorded trace decodes");
            assert_eq!(r.peak_live, counts.peak_bytes, "{}", stringify!($name));
            assert_eq!((r.failed, r.leaked), (0, 0));
            assert_eq!(b.stats().live_bytes, 0);
        }};
    }
    crate::for_each_backend!(each);
}
