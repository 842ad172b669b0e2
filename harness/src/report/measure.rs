//! The order of the measurements: every runner (native, each backend, wasmoon) takes its turn
//! in every round, rotated from round to round, so drift in the machine hits all alike.

use super::native;
use super::node::Session;
use super::workloads::Workload;
use crate::backends::Lua;
use crate::progress::step;
use std::collections::BTreeMap;

/// The in-process reference runner (native Lua 5.4) and the npm peer; native Lua 5.5 is
/// `native-lua55`; the other runners are built modules (`talc`, `talc-lua55`, …).
pub const NATIVE: &str = "native";
pub const WASMOON: &str = "wasmoon";

/// The native runner of a Lua version: `native`, `native-lua55`.
pub fn native_runner(lua: Lua) -> String {
    format!("{NATIVE}{}", lua.suffix())
}

/// The Lua version a runner runs (wasmoon's is 5.4).
pub fn lua_of(runner: &str) -> Lua {
    if runner.ends_with(Lua::V55.suffix()) { Lua::V55 } else { Lua::V54 }
}

/// The processes the runners live in: measure.mjs for the modules and the peer, and
/// `native_measure` for the native runner of the version this process is not built with.
pub struct Sessions {
    pub node: Session,
    pub other_native: Option<Session>,
}

/// Memory figures of one VM (`memoryStats()`).
#[derive(Clone, Copy, Debug)]
pub struct Memory {
    pub live_bytes: u64,
    pub peak_bytes: u64,
    /// The most linear memory the backend held (`peakHeapBytes`; backends that give memory back
    /// hold less at the end).
    pub peak_heap_bytes: u64,
    pub grow_count: u64,
}

/// One workload run on a fresh VM.
pub struct Run {
    pub ms: f64,
    pub result: String,
    /// After openlibs, and after the run (`None` for wasmoon).
    pub init: Option<Memory>,
    pub after: Option<Memory>,
}

/// Samples per (runner, workload).
pub type Samples = BTreeMap<(String, String), Vec<f64>>;

fn run_one(sessions: &mut Sessions, runner: &str, workload: &Workload) -> Result<Run, String> {
    match sessions.session_of(runner)? {
        None => native::run(&workload.name, &workload.source),
        Some(session) => session.run(runner, &workload.name),
    }
}

impl Sessions {
    /// The process that runs `runner`, or `None` for this one.
    fn session_of(&mut self, runner: &str) -> Result<Option<&mut Session>, String> {
        if runner == native_runner(native::IN_PROCESS) {
            Ok(None)
        } else if runner.starts_with(NATIVE) {
            self.other_native.as_mut().map(Some).ok_or_else(|| format!("no process runs {runner}"))
        } else {
            Ok(Some(&mut self.node))
        }
    }
}

fn rotated(runners: &[String], round: usize) -> impl Iterator<Item = &String> {
    (0..runners.len()).map(move |i| &runners[(i + round) % runners.len()])
}

/// `total` VM creations per runner, in `batches` interleaved batches.
pub fn vm_init(sessions: &mut Sessions, runners: &[String], total: usize, batches: usize) -> Result<BTreeMap<String, Vec<f64>>, String> {
    let mut times: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for batch in 0..batches {
        let n = total / batches + usize::from(batch < total % batches);
        for runner in rotated(runners, batch) {
            let batch_times = match sessions.session_of(runner)? {
                None => (0..n).map(|_| native::init_time()).collect::<Result<Vec<_>, _>>()?,
                Some(session) => session.init_times(runner, n)?,
            };
            times.entry(runner.clone()).or_default().extend(batch_times);
        }
    }
    Ok(times)
}

/// One run of every workload on every runner: the memory figures and checksums (deterministic),
/// and the warm-up of the timed rounds.
pub fn single_pass(sessions: &mut Sessions, runners: &[String], workloads: &[Workload]) -> Result<BTreeMap<(String, String), Run>, String> {
    let mut runs = BTreeMap::new();
    for workload in workloads {
        for runner in runners {
            runs.insert((runner.clone(), workload.name.clone()), run_one(sessions, runner, workload)?);
        }
    }
    Ok(runs)
}

/// `reps` timed rounds; each round runs every workload once on every runner.
pub fn timed_rounds(sessions: &mut Sessions, runners: &[String], workloads: &[Workload], reps: usize) -> Result<Samples, String> {
    let mut samples = Samples::new();
    for round in 0..reps {
        step(&format!("workloads: timed round {}/{reps}", round + 1), || {
            for workload in workloads {
                for runner in rotated(runners, round) {
                    let run = run_one(sessions, runner, workload)?;
                    samples.entry((runner.clone(), workload.name.clone())).or_default().push(run.ms);
                }
            }
            Ok(())
        })?;
    }
    Ok(samples)
}

/// Checks that every runner's result of every workload equals that of its `reference` runner
/// (native Lua of the same version, in a report).
pub fn check_results(runs: &BTreeMap<(String, String), Run>, reference: impl Fn(&str) -> String) -> Result<(), String> {
    let mut wrong = Vec::new();
    for ((runner, workload), run) in runs {
        let reference = reference(runner);
        let expected = &runs.get(&(reference.clone(), workload.clone())).ok_or_else(|| format!("no run of {workload} on {reference}"))?.result;
        if &run.result != expected {
            wrong.push(format!("{workload} on {runner}: `{}`, {reference} gave `{expected}`", run.result));
        }
    }
    if wrong.is_empty() { Ok(()) } else { Err(format!("results differ:\n  {}", wrong.join("\n  "))) }
}
