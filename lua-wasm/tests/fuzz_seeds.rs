//! Replays every file of `lua-wasm/fuzz/seeds/` and the conformance scripts (the rest of the
//! seed corpus) through the `lua_source` fuzz target's body, so the committed corpus runs in
//! `cargo test` (natively: it reads the folders).
#![cfg(not(target_arch = "wasm32"))]

#[path = "../fuzz/lua_source_body.rs"]
mod lua_source_body;

#[test]
fn every_seed_passes_the_fuzz_body() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let lua_files = |folder: &str| {
        std::fs::read_dir(root.join(folder))
            .expect("a seed folder")
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "lua"))
            .collect::<Vec<_>>()
    };
    let mut seeds = lua_files("fuzz/seeds");
    seeds.extend(lua_files("tests/conformance"));
    seeds.sort();
    assert!(seeds.len() >= 8, "seeds: {seeds:?}");
    for seed in seeds {
        eprintln!("seed {}", seed.display());
        lua_source_body::run(&std::fs::read(&seed).unwrap());
    }
}
