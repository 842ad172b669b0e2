//! Replays every file of `lua-wasm/fuzz/seeds/` through the `lua_source` fuzz target's body, so
//! the committed corpus runs in `cargo test` (natively: it reads the folder).
#![cfg(not(target_arch = "wasm32"))]

#[path = "../fuzz/lua_source_body.rs"]
mod lua_source_body;

#[test]
fn every_seed_passes_the_fuzz_body() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    let mut seeds: Vec<_> = std::fs::read_dir(&folder).expect("the seed folder").map(|entry| entry.unwrap().path()).collect();
    seeds.sort();
    assert!(seeds.len() >= 4, "seeds in {}", folder.display());
    for seed in seeds {
        eprintln!("seed {}", seed.display());
        lua_source_body::run(&std::fs::read(&seed).unwrap());
    }
}
