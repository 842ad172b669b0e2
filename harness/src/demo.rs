//! `cargo harness demo [--out DIR] [--host H] [--port P]`: builds every backend for the web and
//! writes the demo as a static site (any static server can host it): `web/`'s files, each
//! backend's module in `pkg/<backend>/web/`, and `pkg/manifest.json` (the backends and their
//! module sizes). With `--out` it only writes the site; otherwise it writes it to
//! `target/demo-site/` and serves it (127.0.0.1:8000 by default), printing the URL.

use crate::backends::WASM_BACKENDS;
use crate::build::{self, Built};
use crate::shell::workspace_root;
use std::path::{Component, Path, PathBuf};

/// What `cargo harness demo` was asked for.
#[derive(Debug, PartialEq)]
struct Args {
    out: Option<PathBuf>,
    host: String,
    port: u16,
}

const USAGE: &str = "usage: cargo harness demo [--out DIR] [--host H] [--port P]";

pub fn run(args: &[String]) -> Result<(), String> {
    let args = parse(args)?;
    let built = build::run(&WASM_BACKENDS)?;
    let site = args.out.clone().unwrap_or_else(|| workspace_root().join("target/demo-site"));
    write_site(&built, &site)?;
    if args.out.is_some() {
        println!("demo: the static site is in {} (serve it with any static server, e.g. `python3 -m http.server -d {}`)", site.display(), site.display());
        return Ok(());
    }
    let server = tiny_http::Server::http((args.host.as_str(), args.port)).map_err(|e| format!("cannot listen on {}:{}: {e}", args.host, args.port))?;
    println!("demo: open http://{}:{}/  (Ctrl+C to stop)", args.host, args.port);
    serve(&server, &site);
    Ok(())
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args { out: None, host: "127.0.0.1".into(), port: 8000 };
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--out" => parsed.out = Some(PathBuf::from(value)),
            "--host" => parsed.host = value.clone(),
            "--port" => parsed.port = value.parse().map_err(|_| format!("bad port `{value}`"))?,
            _ => return Err(USAGE.into()),
        }
    }
    Ok(parsed)
}

/// Writes the static site into `dir` (emptied first): web/, the modules, the manifest.
pub fn write_site(built: &[Built], dir: &Path) -> Result<(), String> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("cannot clear {}: {e}", dir.display()))?;
    }
    copy_files(&workspace_root().join("web"), dir)?;
    let mut backends = Vec::new();
    for b in built {
        copy_files(&b.web_dir, &dir.join("pkg").join(b.backend).join("web"))?;
        let bytes = std::fs::metadata(b.web_wasm()).map(|m| m.len()).unwrap_or(0);
        backends.push(serde_json::json!({ "name": b.backend, "wasmBytes": bytes }));
    }
    let path = dir.join("pkg/manifest.json");
    let text = serde_json::to_string_pretty(&serde_json::json!({ "backends": backends })).expect("JSON serialises");
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Copies the files of `from` (not its folders) into `to`.
fn copy_files(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_file() {
            let target = to.join(path.file_name().expect("a file has a name"));
            std::fs::copy(&path, &target).map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// Serves `site` on a free port of 127.0.0.1 from a background thread, for the page test.
/// The server stops when the returned handle is dropped.
pub fn serve_in_background(site: &Path) -> Result<BackgroundServer, String> {
    let server = std::sync::Arc::new(tiny_http::Server::http("127.0.0.1:0").map_err(|e| e.to_string())?);
    let port = server.server_addr().to_ip().map(|a| a.port()).ok_or("server has no IP address")?;
    let worker = std::sync::Arc::clone(&server);
    let site = site.to_path_buf();
    let thread = std::thread::spawn(move || serve(&worker, &site));
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

/// Serves the files of `site` until the process is stopped (or the server is unblocked).
pub fn serve(server: &tiny_http::Server, site: &Path) {
    for request in server.incoming_requests() {
        let response = match resolve(site, request.url()) {
            Some(path) if path.is_file() => match std::fs::read(&path) {
                Ok(bytes) => tiny_http::Response::from_data(bytes).with_header(content_type(&path)),
                Err(_) => tiny_http::Response::from_string("unreadable").with_status_code(500),
            },
            _ => tiny_http::Response::from_string("not found").with_status_code(404),
        };
        let _ = request.respond(response);
    }
}

/// Maps a URL path to a file under `site` (`/` is index.html). Paths with `..` or other
/// non-plain parts are refused.
fn resolve(site: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/").trim_start_matches('/');
    let relative = Path::new(if path.is_empty() { "index.html" } else { path });
    relative.components().all(|c| matches!(c, Component::Normal(_))).then(|| site.join(relative))
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
    fn resolves_files_of_the_site_and_refuses_escapes() {
        let site = Path::new("/site");
        assert_eq!(resolve(site, "/"), Some(PathBuf::from("/site/index.html")));
        assert_eq!(resolve(site, "/app.js?x=1"), Some(PathBuf::from("/site/app.js")));
        assert_eq!(resolve(site, "/pkg/talc/web/lua_wasm.js"), Some(PathBuf::from("/site/pkg/talc/web/lua_wasm.js")));
        assert_eq!(resolve(site, "/../Cargo.toml"), None);
        assert_eq!(resolve(site, "/pkg/../../etc/passwd"), None);
    }

    #[test]
    fn options() {
        let strings = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse(&[]).unwrap(), Args { out: None, host: "127.0.0.1".into(), port: 8000 });
        assert_eq!(parse(&strings(&["--host", "0.0.0.0", "--port", "9000"])).unwrap(), Args { out: None, host: "0.0.0.0".into(), port: 9000 });
        assert_eq!(parse(&strings(&["--out", "site"])).unwrap().out, Some(PathBuf::from("site")));
        assert!(parse(&strings(&["--port"])).is_err());
        assert!(parse(&strings(&["--bogus", "1"])).is_err());
    }
}
