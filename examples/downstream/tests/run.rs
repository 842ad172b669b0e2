//! The script runs, on the backend the crate asked for, natively and on wasm32 (in Node).

use downstream::{Summary, run_script, rust_heap_allocations};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[test]
fn the_script_runs_on_buddy() {
    let summary = run_script().expect("the script runs");
    let expected = Summary { title: "downstream on Lua 5.4".into(), total: 55, squares: vec![1, 4, 9, 16, 25], backend: "buddy" };
    assert_eq!(summary, expected);
}

#[test]
fn the_rust_heap_is_the_crates_own() {
    let before = rust_heap_allocations();
    let text = format!("{:?}", vec![1, 2, 3]);
    assert_eq!(text, "[1, 2, 3]");
    assert!(rust_heap_allocations() > before, "the crate's #[global_allocator] serves Rust's heap");
}
