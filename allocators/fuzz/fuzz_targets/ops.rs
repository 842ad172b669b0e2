//! Fuzzer bytes drive the shadow-model check on every backend, bare and under every decorator.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    lua_allocators::model::fuzz_one_input(data);
});
