//! The npm package as a user installs it: the tarball goes into a scratch project
//! (`target/npm-test/`, made afresh from `harness/js/package-test/`) with `npm install --offline`,
//! then harness/js/package.test.mjs checks it: CommonJS `require` and ES `import` in Node, every
//! backend entry, `tsc --strict` on samples, and a page bundled with esbuild running in headless
//! Chromium with no network but a local server.

use crate::shell::{self, workspace_root};
use std::path::Path;

pub fn run(tarball: &Path) -> Result<(), String> {
    let root = workspace_root();
    let scratch = root.join("target/npm-test");
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch).map_err(|e| format!("cannot clear {}: {e}", scratch.display()))?;
    }
    copy_dir(&root.join("harness/js/package-test"), &scratch)?;
    let prefix = scratch.to_string_lossy().into_owned();
    let tarball = tarball.to_string_lossy().into_owned();
    shell::run("npm", &["install", "--prefix", &prefix, "--offline", "--no-audit", "--no-fund", "--no-save", &tarball])?;
    shell::run_env(
        "node",
        &["--test", "--test-reporter=spec", "harness/js/package.test.mjs"],
        &[("PACKAGE_TEST_DIR", &prefix)],
    )
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(|e| format!("cannot copy {}: {e}", entry.path().display()))?;
        }
    }
    Ok(())
}
