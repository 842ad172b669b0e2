//! Lua source from the fuzzer through `Lua::exec`, under memory and instruction limits: no
//! crash, no leak, no canary overwritten, the limits hold, and the state still runs code.

#![no_main]

#[path = "../lua_source_body.rs"]
mod lua_source_body;

libfuzzer_sys::fuzz_target!(|data: &[u8]| lua_source_body::run(data));
