//! lua-wasm's backend features from a depending crate's side: asking for one gives that one
//! (also beside the default features), and none or two stop the build with lua-wasm's own
//! message (lua-wasm/src/backend.rs).

use crate::shell;

/// lua-wasm's features that choose the backend of `Lua::new`.
pub const BACKEND_FEATURES: [&str; 7] = ["default-backend", "talc", "dlmalloc", "buddy", "bump", "slab", "system"];

pub fn check() -> Result<(), String> {
    // Default features on plus `buddy`: `Lua::new` must use buddy, not the default talc.
    shell::run("cargo", &["test", "-q", "-p", "lua-wasm", "--features", "buddy", "--test", "backend_feature"])?;
    for (features, message) in [
        (&["--no-default-features", "--features", "lua54"][..], "no allocator backend selected"),
        (&["--features", "buddy,slab"][..], "more than one allocator backend feature is on"),
        (&["--features", "talc,dlmalloc"][..], "more than one allocator backend feature is on"),
    ] {
        must_fail(features, message)?;
    }
    Ok(())
}

/// `cargo check -p lua-wasm FEATURES` must fail with `message` and with no other error.
fn must_fail(features: &[&str], message: &str) -> Result<(), String> {
    let (succeeded, stderr, command) = cargo_check("lua-wasm", features)?;
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error") && !l.starts_with("error: could not compile")).collect();
    if succeeded || errors.len() != 1 || !errors[0].contains(message) {
        return Err(format!("`{command}` should fail with exactly one error, \"{message}\"; it printed:\n{stderr}"));
    }
    Ok(())
}

/// Runs `cargo check -p PACKAGE FEATURES` (announced as one that must fail): whether it
/// succeeded, its standard error, and the command as text.
pub(crate) fn cargo_check(package: &str, features: &[&str]) -> Result<(bool, String, String), String> {
    let mut args = vec!["check", "-p", package, "--message-format", "short"];
    args.extend(features);
    let command = format!("cargo {}", args.join(" "));
    eprintln!("    $ {command} (must fail)");
    let out = std::process::Command::new("cargo")
        .args(&args)
        .current_dir(shell::workspace_root())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    Ok((out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned(), command))
}
