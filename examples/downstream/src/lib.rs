//! A downstream crate of lua-wasm: runs a Lua script through the value API, and counts its own
//! Rust heap with its own global allocator (lua-wasm has none unless asked).

use lua_wasm::{Lua, Options, Table};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts the Rust heap's allocations, then hands them to the system allocator.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to `System`, which upholds the contract.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's guarantees for `layout` are passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with `layout` (through `alloc` above).
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by the Rust heap so far (Lua's own go through lua-wasm's backend).
pub fn rust_heap_allocations() -> usize {
    ALLOCATIONS.load(Ordering::Relaxed)
}

/// What the script computed, and which backend ran it.
#[derive(Debug, PartialEq)]
pub struct Summary {
    pub title: String,
    pub total: i64,
    pub squares: Vec<i64>,
    pub backend: &'static str,
}

/// Runs a script that calls a Rust function and returns a table, read back into Rust.
pub fn run_script() -> lua_wasm::Result<Summary> {
    let lua = Lua::new(Options { memory_limit: 8 << 20, instruction_limit: 1_000_000, ..Options::default() })?;
    let square = lua.create_function(|_, x: i64| Ok(x * x))?;
    lua.globals().set("square", square)?;
    lua.globals().set("title", "downstream")?;
    let result: Table = lua
        .load(
            r#"
            local squares, total = {}, 0
            for i = 1, 5 do squares[i] = square(i); total = total + squares[i] end
            return { title = title .. ' on ' .. _VERSION, total = total, squares = squares }
            "#,
        )
        .name("downstream.lua")
        .eval()?;
    Ok(Summary {
        title: result.get("title")?,
        total: result.get("total")?,
        squares: result.get("squares")?,
        backend: lua.memory_stats().backend,
    })
}

/// The crate's own JavaScript export: the summary as text.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = runScript)]
pub fn run_script_js() -> Result<String, String> {
    run_script().map(|s| format!("{s:?}")).map_err(|e| e.to_string())
}
