//! `Lua::new` uses the one backend feature that is on, and talc when only `default-backend` is
//! (lua-wasm/src/backend.rs). `cargo harness test` runs this on every backend feature, and with
//! default features plus `buddy` (which must give buddy, not the default talc).

use lua_wasm::{Lua, Options};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// The backend the features ask for, from the features themselves.
fn asked_for() -> &'static str {
    [
        (cfg!(feature = "dlmalloc"), "dlmalloc"),
        (cfg!(feature = "buddy"), "buddy"),
        (cfg!(feature = "bump"), "bump"),
        (cfg!(feature = "slab"), "slab"),
        (cfg!(feature = "system"), "system"),
    ]
    .into_iter()
    .find_map(|(on, name)| on.then_some(name))
    .unwrap_or("talc")
}

#[test]
fn lua_new_uses_the_backend_the_features_ask_for() {
    let lua = Lua::new(Options::default()).expect("a state opens");
    assert_eq!(lua.memory_stats().backend, asked_for());
    assert_eq!(lua.exec("return 6 * 7", None).expect("runs"), "42");
}
