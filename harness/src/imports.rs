//! The import allowlist: a built module may import only what `harness/allowed-imports.txt`
//! allows. Rust 1.95 turns an undefined C symbol into a silent import from `env`, so this check
//! is what catches an incomplete libc shim, and it keeps memory functions from ever being
//! imported from JavaScript again (the bug this project started from).

use std::path::Path;

/// One rule: `module name` patterns with `*` wildcards; deny rules start with `!`.
struct Rule {
    deny: bool,
    module: String,
    name: String,
}

fn rules() -> Result<Vec<Rule>, String> {
    let path = crate::shell::workspace_root().join("harness/allowed-imports.txt");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (deny, rest) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            let mut parts = rest.split_whitespace();
            match (parts.next(), parts.next(), parts.next()) {
                (Some(module), Some(name), None) => Ok(Rule { deny, module: module.into(), name: name.into() }),
                _ => Err(format!("bad line in allowed-imports.txt: `{line}`")),
            }
        })
        .collect()
}

/// `*` matches any run of characters; everything else matches itself.
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            text.starts_with(head)
                && (0..=text.len() - head.len()).any(|i| text.is_char_boundary(head.len() + i) && glob(tail, &text[head.len() + i..]))
        }
    }
}

/// The (module, name) pairs a wasm module imports.
pub fn imports_of(path: &Path) -> Result<Vec<(String, String)>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut imports = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        if let wasmparser::Payload::ImportSection(section) = payload.map_err(|e| format!("{}: {e}", path.display()))? {
            for import in section.into_imports() {
                let import = import.map_err(|e| format!("{}: {e}", path.display()))?;
                imports.push((import.module.to_owned(), import.name.to_owned()));
            }
        }
    }
    Ok(imports)
}

/// Fails with every import the allowlist does not allow (deny rules win).
pub fn check(path: &Path) -> Result<usize, String> {
    let rules = rules()?;
    let imports = imports_of(path)?;
    let refused: Vec<String> = imports
        .iter()
        .filter(|(module, name)| {
            let matching = |deny: bool| rules.iter().any(|r| r.deny == deny && glob(&r.module, module) && glob(&r.name, name));
            matching(true) || !matching(false)
        })
        .map(|(module, name)| format!("{module}::{name}"))
        .collect();
    if refused.is_empty() {
        Ok(imports.len())
    } else {
        Err(format!(
            "{} imports what harness/allowed-imports.txt does not allow: {}\n    (an `env` import is an undefined C symbol: add it to the libc shim)",
            path.display(),
            refused.join(", ")
        ))
    }
}

pub fn check_files(paths: &[String]) -> Result<(), String> {
    if paths.is_empty() {
        return Err("name the .wasm files to check".into());
    }
    for path in paths {
        let count = check(Path::new(path))?;
        println!("ok: {path} ({count} imports, all allowed)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_wildcards() {
        assert!(glob("__wbg_*", "__wbg_log_123"));
        assert!(glob("*", "anything"));
        assert!(glob("*alloc*", "realloc"));
        assert!(!glob("__wbg_*", "malloc"));
        assert!(!glob("env", "envx"));
    }

    #[test]
    fn allowlist_refuses_env_and_memory_imports() {
        let rules = rules().unwrap();
        let allowed = |module: &str, name: &str| {
            let matching = |deny: bool| rules.iter().any(|r| r.deny == deny && glob(&r.module, module) && glob(&r.name, name));
            !matching(true) && matching(false)
        };
        assert!(!allowed("env", "strtol"));
        assert!(!allowed("env", "realloc"));
        assert!(!allowed("wbg", "__wbg_realloc_1"));
        assert!(!allowed("wbg", "free"));
        assert!(allowed("wbg", "__wbg_now_123abc"));
        assert!(allowed("__wbindgen_placeholder__", "__wbindgen_describe"));
    }
}
