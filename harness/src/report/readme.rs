//! README.md's results: the region between the markers is rewritten by every report.

use crate::shell::workspace_root;

pub const BEGIN: &str = "<!-- report:begin -->";
pub const END: &str = "<!-- report:end -->";

/// Puts `table` between the markers of README.md.
pub fn update(table: &str) -> Result<(), String> {
    let path = workspace_root().join("README.md");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read README.md: {e}"))?;
    let updated = replace_region(&text, table)?;
    if updated != text {
        std::fs::write(&path, updated).map_err(|e| format!("cannot write README.md: {e}"))?;
    }
    Ok(())
}

/// `text` with everything between [`BEGIN`] and [`END`] replaced by `content`.
pub fn replace_region(text: &str, content: &str) -> Result<String, String> {
    let missing = || format!("README.md has no `{BEGIN}` … `{END}` region");
    let start = text.find(BEGIN).ok_or_else(missing)? + BEGIN.len();
    let end = start + text[start..].find(END).ok_or_else(missing)?;
    Ok(format!("{}\n{}\n{}", &text[..start], content.trim_end(), &text[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_only_the_region() {
        let text = format!("intro\n{BEGIN}\nold\n{END}\nrest\n");
        let once = replace_region(&text, "| new |\n").unwrap();
        assert_eq!(once, format!("intro\n{BEGIN}\n| new |\n{END}\nrest\n"));
        assert_eq!(replace_region(&once, "| new |").unwrap(), once, "idempotent");
        assert!(replace_region("no markers", "x").is_err());
    }
}
