//! The allocator backends the wasm module can be built with (cargo features of lua-wasm).

pub const WASM_BACKENDS: [&str; 4] = ["talc", "dlmalloc", "buddy", "bump"];

/// Native-only reference backend.
pub const NATIVE_ONLY: &str = "system";

/// The backends named on the command line, or all of them.
pub fn parse(args: &[String]) -> Result<Vec<&'static str>, String> {
    if args.is_empty() {
        return Ok(WASM_BACKENDS.to_vec());
    }
    args.iter()
        .map(|arg| {
            WASM_BACKENDS
                .iter()
                .find(|b| **b == arg)
                .copied()
                .ok_or_else(|| format!("unknown backend `{arg}` (known: {})", WASM_BACKENDS.join(", ")))
        })
        .collect()
}
