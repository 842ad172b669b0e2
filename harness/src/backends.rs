//! The allocator backends and the Lua versions the wasm module can be built with (cargo
//! features of lua-wasm).

pub const WASM_BACKENDS: [&str; 5] = ["talc", "dlmalloc", "buddy", "bump", "slab"];

/// Native-only reference backend.
pub const NATIVE_ONLY: &str = "system";

/// The backends named on the command line, or all of them.
pub fn parse(args: &[String]) -> Result<Vec<&'static str>, String> {
    if args.is_empty() {
        return Ok(WASM_BACKENDS.to_vec());
    }
    args.iter()
        .map(|arg| {
            WASM_BACKENDS
                .iter()
                .find(|b| **b == arg)
                .copied()
                .ok_or_else(|| format!("unknown backend `{arg}` (known: {})", WASM_BACKENDS.join(", ")))
        })
        .collect()
}

/// A Lua version the module can be built with (lua-wasm's features `lua54`, `lua55`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lua {
    V54,
    V55,
}

impl Lua {
    pub const ALL: [Lua; 2] = [Lua::V54, Lua::V55];

    /// "5.4" or "5.5", as `luaVersion()` says.
    pub fn version(self) -> &'static str {
        match self {
            Lua::V54 => "5.4",
            Lua::V55 => "5.5",
        }
    }

    /// The cargo feature of lua-wasm.
    pub fn feature(self) -> &'static str {
        match self {
            Lua::V54 => "lua54",
            Lua::V55 => "lua55",
        }
    }

    /// A build's name is its backend's plus this: nothing for 5.4 (the default), `-lua55`.
    pub fn suffix(self) -> &'static str {
        match self {
            Lua::V54 => "",
            Lua::V55 => "-lua55",
        }
    }

    fn parse(text: &str) -> Result<Vec<Lua>, String> {
        match text {
            "5.4" => Ok(vec![Lua::V54]),
            "5.5" => Ok(vec![Lua::V55]),
            "all" => Ok(Lua::ALL.to_vec()),
            other => Err(format!("unknown Lua version `{other}` (known: 5.4, 5.5, all)")),
        }
    }
}

/// Splits `--lua 5.4|5.5|all` off the arguments: the versions it names (`default` without it)
/// and the other arguments.
pub fn parse_lua(args: &[String], default: &[Lua]) -> Result<(Vec<Lua>, Vec<String>), String> {
    let mut versions = None;
    let mut rest = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--lua" {
            let value = args.next().ok_or("--lua needs a version: 5.4, 5.5 or all")?;
            versions = Some(Lua::parse(value)?);
        } else if let Some(value) = arg.strip_prefix("--lua=") {
            versions = Some(Lua::parse(value)?);
        } else {
            rest.push(arg.clone());
        }
    }
    Ok((versions.unwrap_or_else(|| default.to_vec()), rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn lua_versions_from_the_command_line() {
        assert_eq!(parse_lua(&strings(&["talc"]), &[Lua::V54]).unwrap(), (vec![Lua::V54], strings(&["talc"])));
        assert_eq!(parse_lua(&strings(&["--lua", "5.5", "bump"]), &[Lua::V54]).unwrap(), (vec![Lua::V55], strings(&["bump"])));
        assert_eq!(parse_lua(&strings(&["--lua=all"]), &[Lua::V54]).unwrap().0, Lua::ALL);
        assert!(parse_lua(&strings(&["--lua", "5.3"]), &[Lua::V54]).is_err());
        assert!(parse_lua(&strings(&["--lua"]), &[Lua::V54]).is_err());
    }
}
