//! `cargo harness setup`: installs what the build and the tests need and is missing, and says
//! what it does. Safe to run again: present tools are left alone.

use crate::progress::step;
use crate::shell::{self, available};

/// Debian packages and the program each provides.
const APT_PACKAGES: [(&str, &str); 5] = [
    ("clang-19", "clang-19"),
    ("llvm-19", "llvm-ar-19"),
    ("binaryen", "wasm-opt"),
    ("chromium", "chromium"),
    ("chromium-driver", "chromedriver"),
];

pub fn run() -> Result<(), String> {
    step("setup: system packages", apt_packages)?;
    step("setup: rust target wasm32-unknown-unknown", wasm_target)?;
    step("setup: wasm-bindgen-cli", wasm_bindgen_cli)?;
    step("setup: npm packages of the harness (playwright-core, wasmoon)", npm_packages)
}

/// `npm ci` in harness/js when its node_modules is missing or older than the lockfile.
fn npm_packages() -> Result<(), String> {
    let dir = shell::workspace_root().join("harness/js");
    let modified = |p: &str| std::fs::metadata(dir.join(p)).and_then(|m| m.modified()).ok();
    match (modified("node_modules/.package-lock.json"), modified("package-lock.json")) {
        (Some(installed), Some(locked)) if installed >= locked => {
            eprintln!("    present");
            Ok(())
        }
        _ => shell::run("npm", &["ci", "--prefix", "harness/js", "--no-audit", "--no-fund"]),
    }
}

fn apt_packages() -> Result<(), String> {
    let missing: Vec<&str> =
        APT_PACKAGES.iter().filter(|(_, program)| !available(program)).map(|(package, _)| *package).collect();
    if missing.is_empty() {
        eprintln!("    all present: {}", APT_PACKAGES.map(|(p, _)| p).join(", "));
        return Ok(());
    }
    eprintln!("    installing with apt-get: {}", missing.join(" "));
    let sudo = shell::output("id", &["-u"]).is_some_and(|uid| uid != "0");
    let mut install = vec!["install", "-y", "--no-install-recommends"];
    install.extend(&missing);
    let apt = |args: &[&str]| {
        if sudo {
            let mut with_sudo = vec!["apt-get"];
            with_sudo.extend(args);
            shell::run_env("sudo", &with_sudo, &[("DEBIAN_FRONTEND", "noninteractive")])
        } else {
            shell::run_env("apt-get", args, &[("DEBIAN_FRONTEND", "noninteractive")])
        }
    };
    apt(&["update", "-qq"])?;
    apt(&install).map_err(|e| format!("{e}\n    install by hand: apt-get install {}", missing.join(" ")))
}

fn wasm_target() -> Result<(), String> {
    let installed = shell::output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|t| t.trim() == "wasm32-unknown-unknown") {
        eprintln!("    present");
        return Ok(());
    }
    shell::run("rustup", &["target", "add", "wasm32-unknown-unknown"])
}

/// wasm-bindgen's CLI must be exactly the version of the `wasm-bindgen` crate in Cargo.lock.
fn wasm_bindgen_cli() -> Result<(), String> {
    let wanted = locked_version("wasm-bindgen")?;
    let have = shell::output("wasm-bindgen", &["--version"]).unwrap_or_default();
    let runner = available("wasm-bindgen-test-runner");
    if have.split_whitespace().nth(1) == Some(wanted.as_str()) && runner {
        eprintln!("    present: {have}");
        return Ok(());
    }
    eprintln!("    installing wasm-bindgen-cli {wanted} (found: {}); this compiles for a few minutes", if have.is_empty() { "none" } else { &have });
    // Not --locked: the CLI's own lockfile names a crate version that is no longer published.
    shell::run("cargo", &["install", "wasm-bindgen-cli", "--version", &wanted, "--force"])
}

/// The version of `package` recorded in the workspace's Cargo.lock.
pub fn locked_version(package: &str) -> Result<String, String> {
    let lock = std::fs::read_to_string(shell::workspace_root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let marker = format!("name = \"{package}\"\nversion = \"");
    let start = lock.find(&marker).ok_or_else(|| format!("{package} is not in Cargo.lock"))? + marker.len();
    let end = lock[start..].find('"').ok_or("malformed Cargo.lock")?;
    Ok(lock[start..start + end].to_owned())
}
