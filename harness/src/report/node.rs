//! A long-lived `node harness/js/measure.mjs` process holding every module to measure: one
//! JSON request per line in, one JSON answer per line out (the protocol is described at the top
//! of measure.mjs). The Rust side decides the order of runs and does the statistics. The
//! `native_measure` example (native Lua of another version) speaks the same protocol.

use super::measure::{Memory, Run};
use super::workloads::Workload;
use crate::build::Built;
use crate::shell::workspace_root;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// Node runs the web target's ES modules (no package.json beside them) with this flag.
pub const NODE_ESM_FLAG: &str = "--experimental-default-type=module";

pub struct Session {
    child: Child,
    /// `None` once closed, which ends measure.mjs's read loop.
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    /// What runs: measure.mjs or native_measure, for messages.
    name: String,
    /// Why the wasmoon peer could not be loaded, when it was asked for.
    pub wasmoon_skipped: Option<String>,
}

impl Session {
    pub fn start(built: &[Built], wasmoon: bool, workloads: &[Workload]) -> Result<Session, String> {
        let modules: serde_json::Map<String, Value> = built.iter().map(|b| (b.name(), json!(b.web_dir.to_string_lossy()))).collect();
        let paths: serde_json::Map<String, Value> =
            workloads.iter().map(|w| (w.name.clone(), json!(w.path.to_string_lossy()))).collect();
        let config = json!({ "modules": modules, "wasmoon": wasmoon, "workloads": paths }).to_string();
        let mut node = Command::new("node");
        node.args([NODE_ESM_FLAG, "harness/js/measure.mjs", &config]);
        let (mut session, ready) = Session::spawn(node, "measure.mjs")?;
        session.wasmoon_skipped = ready["wasmoonSkipped"].as_str().map(str::to_owned);
        Ok(session)
    }

    /// The `native_measure` binary at `path`, and the Lua release it reports.
    pub fn native(path: &std::path::Path) -> Result<(Session, String), String> {
        let (session, ready) = Session::spawn(Command::new(path), "native_measure")?;
        let release = ready["lua"].as_str().ok_or("native_measure named no Lua release")?.to_owned();
        Ok((session, release))
    }

    /// Starts `command` in the workspace root and reads its first line (`{"ready": true, …}`).
    fn spawn(mut command: Command, name: &str) -> Result<(Session, Value), String> {
        let mut child = command
            .current_dir(workspace_root())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot run {name}: {e}"))?;
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut session = Session { child, stdin: Some(stdin), stdout, name: name.to_owned(), wasmoon_skipped: None };
        let ready = session.read()?;
        Ok((session, ready))
    }

    /// Times of `n` VM creations (newstate + openlibs) on `runner`.
    pub fn init_times(&mut self, runner: &str, n: usize) -> Result<Vec<f64>, String> {
        let answer = self.request(json!({ "op": "init", "runner": runner, "n": n }))?;
        answer["ms"].as_array().ok_or("no times in the answer")?.iter().map(|v| v.as_f64().ok_or("a time is not a number".into())).collect()
    }

    /// One run of `workload` on a fresh VM of `runner`.
    pub fn run(&mut self, runner: &str, workload: &str) -> Result<Run, String> {
        let a = self.request(json!({ "op": "run", "runner": runner, "workload": workload }))?;
        let memory = |v: &Value| {
            v.is_object().then(|| Memory {
                live_bytes: v["liveBytes"].as_u64().unwrap_or(0),
                peak_bytes: v["peakBytes"].as_u64().unwrap_or(0),
                peak_heap_bytes: v["peakHeapBytes"].as_u64().or_else(|| v["heapBytes"].as_u64()).unwrap_or(0),
                grow_count: v["growCount"].as_u64().unwrap_or(0),
            })
        };
        Ok(Run {
            ms: a["ms"].as_f64().ok_or("no time in the answer")?,
            result: a["result"].as_str().ok_or("no result in the answer")?.to_owned(),
            init: memory(&a["init"]),
            after: memory(&a["after"]),
        })
    }

    fn request(&mut self, request: Value) -> Result<Value, String> {
        let stdin = self.stdin.as_mut().expect("stdin is open until drop");
        writeln!(stdin, "{request}").and_then(|()| stdin.flush()).map_err(|e| format!("{} is gone: {e}", self.name))?;
        let answer = self.read()?;
        match answer["error"].as_str() {
            Some(error) => Err(format!("{}: {error} (request {request})", self.name)),
            None => Ok(answer),
        }
    }

    fn read(&mut self) -> Result<Value, String> {
        let mut line = String::new();
        self.stdout.read_line(&mut line).map_err(|e| e.to_string())?;
        if line.is_empty() {
            return Err(format!("{} ended early (see its error above)", self.name));
        }
        serde_json::from_str(&line).map_err(|e| format!("{} printed `{}`: {e}", self.name, line.trim()))
    }
}

impl Drop for Session {
    /// Closing stdin ends the process's read loop; then wait for it.
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}
