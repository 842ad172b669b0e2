//! Step-by-step progress on stderr: what runs, for which backend, and how long it took.

use std::time::Instant;

/// Runs one named step, printing its start and its duration.
pub fn step<T>(name: &str, work: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    eprintln!("==> {name}");
    let start = Instant::now();
    let result = work();
    let secs = start.elapsed().as_secs_f64();
    match &result {
        Ok(_) => eprintln!("    done: {name} ({secs:.1} s)"),
        Err(_) => eprintln!("    FAILED: {name} ({secs:.1} s)"),
    }
    result.map_err(|e| format!("{name}: {e}"))
}
