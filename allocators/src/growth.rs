//! How much a growing backend asks the page source for when it runs out.

use crate::pages::{GRANULE, PAGE_SIZE};

/// How much memory a backend asks the [page source](crate::pages) for at a time.
///
/// Either way the request is at least what the failing allocation needs, rounded up to whole
/// 2 KiB [granules](crate::pages::GRANULE). The default is [`Exact`](Self::Exact): linear memory
/// never shrinks, so every byte asked for and not used is lost to the page until the backend is
/// dropped, while the page source's free list keeps the extra requests cheap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GrowthPolicy {
    /// Just what the failing request needs, rounded up to whole granules.
    #[default]
    Exact,
    /// Twice the instance's previous region (starting at one 64 KiB page), capped at
    /// [`GEOMETRIC_CAP`](Self::GEOMETRIC_CAP), or what the request needs if that is more:
    /// fewer grow calls, more memory held.
    Geometric,
}

impl GrowthPolicy {
    /// The largest region [`Geometric`](Self::Geometric) asks for unless a request needs more.
    pub const GEOMETRIC_CAP: usize = 1 << 20;

    /// The region size to ask for, given what the request needs and the size of this instance's
    /// previous region (0 if none). `None` on overflow.
    pub fn region_size(self, needed: usize, previous: usize) -> Option<usize> {
        let wanted = match self {
            Self::Exact => needed,
            Self::Geometric => {
                let next = previous
                    .saturating_mul(2)
                    .clamp(PAGE_SIZE, Self::GEOMETRIC_CAP);
                needed.max(next)
            }
        };
        crate::align_up(wanted.max(1), GRANULE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_rounds_to_granules() {
        assert_eq!(GrowthPolicy::Exact.region_size(1, 0), Some(GRANULE));
        assert_eq!(
            GrowthPolicy::Exact.region_size(PAGE_SIZE + 1, 1 << 20),
            Some(PAGE_SIZE + GRANULE)
        );
    }

    #[test]
    fn geometric_doubles_and_caps() {
        let g = GrowthPolicy::Geometric;
        assert_eq!(g.region_size(1, 0), Some(PAGE_SIZE));
        assert_eq!(g.region_size(1, PAGE_SIZE), Some(2 * PAGE_SIZE));
        assert_eq!(
            g.region_size(1, GrowthPolicy::GEOMETRIC_CAP),
            Some(GrowthPolicy::GEOMETRIC_CAP)
        );
        assert_eq!(g.region_size(3 << 20, PAGE_SIZE), Some(3 << 20));
        assert_eq!(g.region_size(PAGE_SIZE + 1, 0), Some(PAGE_SIZE + GRANULE));
        assert_eq!(g.region_size(usize::MAX, 0), None);
    }
}
