//! `cargo harness <command>`: set up, build, test and measure lua-wasm for every allocator
//! backend. Each command is its own module; `setup` runs first for every command that needs
//! tools, and says what it installs.

mod backends;
mod build;
mod demo;
mod imports;
mod progress;
mod setup;
mod shell;
mod test;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo harness <command> [options]

commands:
  setup              install what is missing (clang-19, llvm-19, binaryen, chromium,
                     the wasm32 target, wasm-bindgen-cli at the Cargo.lock version)
  build [BACKEND..]  build target/lua-wasm/<backend>/{node,web}/lua_wasm.js + .wasm
  test               run every test (native, wasm in Node, import allowlist, feature builds)
  check-imports F..  check .wasm files against harness/allowed-imports.txt
  demo [--port P]    build every backend and serve the demo page on 127.0.0.1 (default 8000)
  report             build every backend and write the report (sizes so far)

backends: talc dlmalloc buddy bump (all when none is named)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match command.as_str() {
        "setup" => setup::run(),
        "build" => setup::run().and_then(|()| build::run(&backends::parse(rest)?).map(|_| ())),
        "test" => setup::run().and_then(|()| test::run()),
        "check-imports" => imports::check_files(rest),
        "demo" => setup::run().and_then(|()| demo::run(rest)),
        "report" => setup::run().and_then(|()| build::report(&backends::parse(rest)?)),
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
