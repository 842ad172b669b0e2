//! Decorators: each wraps any backend and is a backend itself, forwarding `name` and
//! `footprint`, so they stack (`Stats<Limit<Talc>>`).

mod checked;
mod fail;
mod limit;
mod stats;
#[cfg(feature = "trace")]
pub(crate) mod trace;

pub use checked::{Checked, LeakReport};
pub use fail::{FailAfter, FailMode};
pub use limit::Limit;
pub use stats::{AllocStats, HISTOGRAM_BUCKETS, Stats};
