//! `cargo harness <command>`: set up, build, test and measure lua-wasm for every allocator
//! backend. Each command is its own module; `setup` runs first for every command that needs
//! tools, and says what it installs.

mod backend_features;
mod backends;
mod bench_interop;
mod bench_native;
mod bench_wasm;
mod build;
mod demo;
mod density;
mod downstream;
mod imports;
mod package;
mod package_test;
mod profile;
mod progress;
mod report;
mod setup;
mod shell;
mod test;
mod testes;
mod traces;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo harness <command> [options]

commands:
  setup              install what is missing (clang-19, llvm-19, binaryen, chromium,
                     the wasm32 target, wasm-bindgen-cli at the Cargo.lock version)
  build [--lua 5.4|5.5|all] [--profile default|speed|size] [BACKEND..]
                     build target/lua-wasm/<backend>/{node,web}/lua_wasm.js + .wasm
                     (Lua 5.5: target/lua-wasm/<backend>-lua55/…; default 5.4; profiles
                     speed and size: …/<backend>-speed/, …/<backend>-size/)
  test               run every test (native, wasm in Node, import allowlist, feature builds;
                     Lua 5.5 on the default backend, talc; examples/downstream; the npm
                     package as installed)
  check-imports F..  check .wasm files against harness/allowed-imports.txt
  package            build every backend and write the npm package
                     target/npm/lua-wasm-alloc-<version>.tgz (README figures from reports/)
  demo [--out DIR] [--host H] [--port P]
                     build every backend and write the demo page as a static site; without
                     --out, into target/demo-site/, served on 127.0.0.1:8000 (prints the URL)
  report [--update-baseline] [--lua 5.4|5.5|all] [BACKEND..]
                     build every backend (on both Lua versions by default) and the first
                     one in the speed and size profiles, measure size, start-up, memory,
                     workload time and coroutine/pcall cost in Node and in headless Chromium
                     against native Lua and wasmoon; write reports/latest.{json,md}, the SVG
                     charts and README.md's results (--update-baseline: also
                     reports/baseline.json)
  check [--lua 5.4|5.5|all] [BACKEND..]
                     the regression gate: build, run each workload once, fail when a size or
                     memory figure exceeds reports/baseline.json by more than 1%

  testes [--backend B|all]
                     Lua 5.4's own test suite (../shared/lua-testes/5.4) through the JS API,
                     each file in a fresh VM, trusted and untrusted (default backend talc;
                     all: every backend, written to reports/testes.{md,json})

  traces             record each workload's allocation trace on wasm32 (target/traces/) and
                     check it replays natively with the same op count and peak
  bench-native [--summarise | ARGS..]
                     run the criterion benches (cargo bench -p benches -- ARGS) and summarise
                     them in reports/bench-native.{md,json} (--summarise: the last run's)
  bench-wasm [--rounds N | --interop]
                     replay the traces and run the workloads inside wasm per backend,
                     interleaved, exact vs geometric growth, then time the JS value API
                     (calls and values both ways) against wasmoon; writes
                     reports/bench-wasm.{md,json} (--interop: only the interop section)
  density [BACKEND..]
                     linear memory of 1, 10, 100 and 1,000 idle VMs in one module, per
                     backend: reports/density.{md,json}

backends: talc dlmalloc buddy bump slab (all when none is named)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match command.as_str() {
        "setup" => setup::run(),
        "build" => setup::run().and_then(|()| build::run_cli(rest)),
        "test" => setup::run().and_then(|()| test::run()),
        "check-imports" => imports::check_files(rest),
        "package" => setup::run().and_then(|()| package::run(rest)),
        "density" => setup::run().and_then(|()| density::run(rest)),
        "demo" => setup::run().and_then(|()| demo::run(rest)),
        "report" => setup::run().and_then(|()| report::run(rest)),
        "traces" => setup::run().and_then(|()| traces::run()),
        "testes" => setup::run().and_then(|()| testes::run(rest)),
        "bench-native" => bench_native::run(rest),
        "bench-wasm" => setup::run().and_then(|()| bench_wasm::run(rest)),
        "check" => setup::run().and_then(|()| report::check::run(rest)),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
