//! `cargo harness demo [--port P]`: builds every backend for the web and serves the demo page
//! (`web/`) and the modules (`/pkg/<backend>/web/…`, `/pkg/manifest.json`) on 127.0.0.1.

use crate::backends::WASM_BACKENDS;
use crate::build::{self, Built};
use crate::shell::workspace_root;
use std::path::{Component, Path, PathBuf};

pub fn run(args: &[String]) -> Result<(), String> {
    let port = parse_port(args)?;
    let built = build::run(&WASM_BACKENDS)?;
    write_manifest(&built)?;
    let server = tiny_http::Server::http(("127.0.0.1", port)).map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    println!("demo: http://127.0.0.1:{port}/  (Ctrl+C to stop)");
    serve(&server);
    Ok(())
}

fn parse_port(args: &[String]) -> Result<u16, String> {
    match args {
        [] => Ok(8000),
        [flag, port] if flag == "--port" => port.parse().map_err(|_| format!("bad port `{port}`")),
        _ => Err("usage: cargo harness demo [--port P]".into()),
    }
}

/// `target/lua-wasm/manifest.json`: the backends the page offers, with module sizes.
pub fn write_manifest(built: &[Built]) -> Result<(), String> {
    let backends: Vec<serde_json::Value> = built
        .iter()
        .map(|b| {
            let bytes = std::fs::metadata(b.web_wasm()).map(|m| m.len()).unwrap_or(0);
            serde_json::json!({ "name": b.backend, "wasmBytes": bytes })
        })
        .collect();
    let path = workspace_root().join("target/lua-wasm/manifest.json");
    let text = serde_json::to_string_pretty(&serde_json::json!({ "backends": backends })).expect("JSON serialises");
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Serves the demo on a free port of 127.0.0.1 from a background thread, for the page test.
/// The server stops when the returned handle is dropped.
pub fn serve_in_background() -> Result<BackgroundServer, String> {
    let server = std::sync::Arc::new(tiny_http::Server::http("127.0.0.1:0").map_err(|e| e.to_string())?);
    let port = server.server_addr().to_ip().map(|a| a.port()).ok_or("server has no IP address")?;
    let worker = std::sync::Arc::clone(&server);
    let thread = std::thread::spawn(move || serve(&worker));
    Ok(BackgroundServer { server, thread: Some(thread), url: format!("http://127.0.0.1:{port}/") })
}

pub struct BackgroundServer {
    server: std::sync::Arc<tiny_http::Server>,
    thread: Option<std::thread::JoinHandle<()>>,
    pub url: String,
}

impl Drop for BackgroundServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Serves requests until the process is stopped (or the server is unblocked, in tests).
pub fn serve(server: &tiny_http::Server) {
    for request in server.incoming_requests() {
        let response = match resolve(request.url()) {
            Some(path) if path.is_file() => match std::fs::read(&path) {
                Ok(bytes) => tiny_http::Response::from_data(bytes).with_header(content_type(&path)),
                Err(_) => tiny_http::Response::from_string("unreadable").with_status_code(500),
            },
            _ => tiny_http::Response::from_string("not found").with_status_code(404),
        };
        let _ = request.respond(response);
    }
}

/// Maps a URL path to a file: `/pkg/…` under target/lua-wasm, everything else under web/.
/// Paths with `..` or other non-plain parts are refused.
fn resolve(url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let (root, rest) = match path.strip_prefix("/pkg/") {
        Some(rest) => (workspace_root().join("target/lua-wasm"), rest),
        None => (workspace_root().join("web"), path.trim_start_matches('/')),
    };
    let rest = if rest.is_empty() { "index.html" } else { rest };
    let relative = Path::new(rest);
    if !relative.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    Some(root.join(relative))
}

fn content_type(path: &Path) -> tiny_http::Header {
    let mime = match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        Some("wasm") => "application/wasm",
        _ => "application/octet-stream",
    };
    tiny_http::Header::from_bytes("Content-Type", mime).expect("static header is valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_pages_and_modules_and_refuses_escapes() {
        assert!(resolve("/").unwrap().ends_with("web/index.html"));
        assert!(resolve("/app.js?x=1").unwrap().ends_with("web/app.js"));
        assert!(resolve("/pkg/talc/web/lua_wasm.js").unwrap().ends_with("target/lua-wasm/talc/web/lua_wasm.js"));
        assert_eq!(resolve("/../Cargo.toml"), None);
        assert_eq!(resolve("/pkg/../../etc/passwd"), None);
    }
}
