//! The package's `package.json` (entry points per backend and condition) and the Node ES module
//! entry that every backend folder holds.

use super::{DEFAULT_BACKEND, NAME};
use serde::Serialize;

/// `index.mjs`: Node's ES module entry, over the CommonJS one (one instance for both).
pub const NODE_ESM: &str = "\
// Node's ES module entry of lua-wasm-alloc: the CommonJS entry's exports (the same instance).
import entry from \"./index.cjs\";
export const { LuaVm, backendName, luaVersion, linearMemoryBytes, init } = entry;
export default init;
";

/// `index.d.mts`: its types.
pub const NODE_ESM_TYPES: &str = "\
export * from \"./index.cjs\";
export { init as default } from \"./index.cjs\";
";

/// A file and its types; `types` first, as TypeScript reads the conditions in order.
#[derive(Serialize)]
struct Files {
    types: String,
    default: String,
}

impl Files {
    fn new(backend: &str, js: &str, types: &str) -> Self {
        Files { types: format!("./{backend}/{types}"), default: format!("./{backend}/{js}") }
    }
}

#[derive(Serialize)]
struct NodeEntry {
    import: Files,
    require: Files,
}

/// The `exports` conditions of one backend folder, in the order they are tried: browsers and
/// bundlers get the web module, Node the CommonJS or ES module entry, anything else the web one.
#[derive(Serialize)]
struct Entry {
    browser: Files,
    node: NodeEntry,
    default: Files,
}

impl Entry {
    fn new(backend: &str) -> Self {
        Entry {
            browser: Files::new(backend, "web.mjs", "web.d.mts"),
            node: NodeEntry { import: Files::new(backend, "index.mjs", "index.d.mts"), require: Files::new(backend, "index.cjs", "index.d.cts") },
            default: Files::new(backend, "web.mjs", "web.d.mts"),
        }
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum Export {
    Entry(Entry),
    File(&'static str),
}

/// `exports` keeps its keys in order (serde_json's own map sorts them).
struct Exports(Vec<(String, Export)>);

impl Serialize for Exports {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(key, value)| (key, value)))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Manifest {
    name: &'static str,
    version: String,
    description: &'static str,
    license: &'static str,
    keywords: [&'static str; 6],
    main: String,
    module: String,
    types: String,
    exports: Exports,
    files: Vec<String>,
    side_effects: bool,
    engines: serde_json::Value,
}

/// package.json for `version` with an entry per backend and the default one.
pub fn package_json(version: &str, backends: &[&str]) -> String {
    let mut exports = vec![(".".to_owned(), Export::Entry(Entry::new(DEFAULT_BACKEND)))];
    exports.extend(backends.iter().map(|b| (format!("./{b}"), Export::Entry(Entry::new(b)))));
    exports.push(("./package.json".into(), Export::File("./package.json")));
    let mut files: Vec<String> = backends.iter().map(|b| format!("{b}/")).collect();
    files.extend(["README.md", "LICENSE"].map(String::from));
    let manifest = Manifest {
        name: NAME,
        version: version.to_owned(),
        description: "The real Lua interpreter in WebAssembly for Node and browsers, with a choice of allocator (talc, dlmalloc, buddy, bump, slab), values both ways and limits",
        license: "MIT",
        keywords: ["lua", "wasm", "webassembly", "interpreter", "sandbox", "allocator"],
        main: format!("./{DEFAULT_BACKEND}/index.cjs"),
        module: format!("./{DEFAULT_BACKEND}/web.mjs"),
        types: format!("./{DEFAULT_BACKEND}/index.d.cts"),
        exports: Exports(exports),
        files,
        side_effects: false,
        engines: serde_json::json!({ "node": ">=18" }),
    };
    serde_json::to_string_pretty(&manifest).expect("JSON serialises") + "\n"
}
