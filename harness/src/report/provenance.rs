//! Where a report comes from: revision, date, machine and tool versions.

use super::model::Provenance;
use crate::shell::{output, workspace_root};

pub fn collect() -> Provenance {
    let first_line = |program: &str, args: &[&str]| {
        output(program, args).and_then(|s| s.lines().next().map(str::to_owned)).unwrap_or_else(|| "unknown".into())
    };
    let root = workspace_root().to_string_lossy().into_owned();
    let clang = std::env::var("CC_wasm32_unknown_unknown").unwrap_or_else(|_| "clang-19".into());
    Provenance {
        git_revision: first_line("git", &["-C", &root, "rev-parse", "HEAD"]),
        git_dirty: output("git", &["-C", &root, "status", "--porcelain"]).is_some_and(|s| !s.is_empty()),
        date_utc: first_line("date", &["-u", "+%Y-%m-%dT%H:%M:%SZ"]),
        cpu: cpu_model(),
        cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
        os: first_line("uname", &["-sr"]),
        rustc: first_line("rustc", &["--version"]),
        clang: first_line(&clang, &["--version"]),
        node: first_line("node", &["--version"]),
        wasm_bindgen: first_line("wasm-bindgen", &["--version"]),
        wasm_opt: first_line("wasm-opt", &["--version"]),
    }
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| info.lines().find_map(|l| l.strip_prefix("model name")?.split_once(':').map(|(_, v)| v.trim().to_owned())))
        .unwrap_or_else(|| "unknown".into())
}
