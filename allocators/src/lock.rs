//! The lock around process-wide state (the page source, a global allocator).
//!
//! On single-threaded wasm (no `atomics` target feature) there is nothing to lock against: the
//! lock is a cell with a re-entrancy flag. Everywhere else it is a spin lock: critical sections
//! are a few list operations long and never allocate.

use core::cell::UnsafeCell;

#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
type Flag = core::cell::Cell<bool>;
#[cfg(not(all(target_arch = "wasm32", not(target_feature = "atomics"))))]
use core::sync::atomic::{AtomicBool as Flag, Ordering};

/// Mutual exclusion for `T`, usable in a `static`.
pub(crate) struct Lock<T> {
    busy: Flag,
    value: UnsafeCell<T>,
}

// SAFETY: `with` hands out `&mut T` only while `busy` is held. With atomics, `busy` is an atomic
// flag taken with acquire/release ordering, so accesses from different threads are ordered. On
// wasm32 without the `atomics` feature there is only one thread, so no second thread can observe
// the cell; re-entrant use from that one thread is caught by the flag and panics.
unsafe impl<T: Send> Sync for Lock<T> {}

impl<T> Lock<T> {
    pub(crate) const fn new(value: T) -> Self {
        Self {
            busy: Flag::new(false),
            value: UnsafeCell::new(value),
        }
    }

    /// Runs `f` with exclusive access to the value. `f` must not use this lock again.
    ///
    /// The flag is cleared by a guard, so a panic that unwinds (or, in a build with exception
    /// handling, an exception crossing `f`) does not leave the lock held forever.
    #[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        struct Unlock<'a>(&'a Flag);
        impl Drop for Unlock<'_> {
            fn drop(&mut self) {
                self.0.set(false);
            }
        }
        assert!(
            !self.busy.replace(true),
            "lua-allocators: re-entrant use of a process-wide lock"
        );
        let _unlock = Unlock(&self.busy);
        // SAFETY: `busy` was false, so no other `&mut T` exists (single thread, no re-entry).
        f(unsafe { &mut *self.value.get() })
    }

    /// Runs `f` with exclusive access to the value. `f` must not use this lock again.
    #[cfg(not(all(target_arch = "wasm32", not(target_feature = "atomics"))))]
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        struct Unlock<'a>(&'a Flag);
        impl Drop for Unlock<'_> {
            fn drop(&mut self) {
                self.0.store(false, Ordering::Release);
            }
        }
        while self
            .busy
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            #[cfg(not(target_arch = "wasm32"))]
            std::thread::yield_now();
            #[cfg(target_arch = "wasm32")]
            core::hint::spin_loop();
        }
        let _unlock = Unlock(&self.busy);
        // SAFETY: we hold `busy` until `_unlock` drops, so no other `&mut T` exists.
        f(unsafe { &mut *self.value.get() })
    }
}
