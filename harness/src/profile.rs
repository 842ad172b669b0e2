//! Build profiles of the wasm module: the default build and its two neighbours, `speed` and
//! `size` (`cargo harness build --profile speed|size`). Each is a cargo profile (Cargo.toml:
//! Rust's opt-level; lua-sys compiles Lua's C at the same level, see
//! lua-sys/build/optimisation.rs) and a wasm-opt level.

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Profile {
    /// `release`: Rust and Lua's cold C at -Os, Lua's hot files at -O2; wasm-opt -Oz.
    Default,
    /// Rust and C at -O3; wasm-opt -O3.
    Speed,
    /// Rust and C at -Oz; wasm-opt -Oz.
    Size,
}

impl Profile {
    pub const ALL: [Profile; 3] = [Profile::Default, Profile::Speed, Profile::Size];

    /// The cargo profile, which is also target/wasm32-unknown-unknown/<folder>.
    pub fn cargo(self) -> &'static str {
        match self {
            Profile::Default => "release",
            Profile::Speed => "speed",
            Profile::Size => "size",
        }
    }

    pub fn wasm_opt_level(self) -> &'static str {
        match self {
            Profile::Speed => "-O3",
            Profile::Default | Profile::Size => "-Oz",
        }
    }

    /// A build's name is its backend's, its Lua version's suffix, then this.
    pub fn suffix(self) -> &'static str {
        match self {
            Profile::Default => "",
            Profile::Speed => "-speed",
            Profile::Size => "-size",
        }
    }

    /// "default", "speed" or "size", as reports name it.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Default => "default",
            Profile::Speed => "speed",
            Profile::Size => "size",
        }
    }

    fn parse(text: &str) -> Result<Profile, String> {
        Profile::ALL.into_iter().find(|p| p.name() == text).ok_or_else(|| format!("unknown profile `{text}` (known: default, speed, size)"))
    }
}

/// Splits `--profile default|speed|size` off the arguments: the profile (`Default` without it)
/// and the other arguments.
pub fn parse(args: &[String]) -> Result<(Profile, Vec<String>), String> {
    let mut profile = Profile::Default;
    let mut rest = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--profile" {
            profile = Profile::parse(args.next().ok_or("--profile needs a name: default, speed or size")?)?;
        } else if let Some(value) = arg.strip_prefix("--profile=") {
            profile = Profile::parse(value)?;
        } else {
            rest.push(arg.clone());
        }
    }
    Ok((profile, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_from_the_command_line() {
        let strings = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse(&strings(&["talc"])).unwrap(), (Profile::Default, strings(&["talc"])));
        assert_eq!(parse(&strings(&["--profile", "speed", "talc"])).unwrap(), (Profile::Speed, strings(&["talc"])));
        assert_eq!(parse(&strings(&["--profile=size"])).unwrap().0, Profile::Size);
        assert!(parse(&strings(&["--profile", "fast"])).is_err());
        assert!(parse(&strings(&["--profile"])).is_err());
    }
}
