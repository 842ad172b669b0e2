//! The order of the measurements: every runner (native, each backend, wasmoon) takes its turn
//! in every round, rotated from round to round, so drift in the machine hits all alike.

use super::native;
use super::node::Session;
use super::workloads::Workload;
use crate::progress::step;
use std::collections::BTreeMap;

/// The in-process reference runner and the npm peer; the other runners are backend names.
pub const NATIVE: &str = "native";
pub const WASMOON: &str = "wasmoon";

/// Memory figures of one VM (`memoryStats()`).
#[derive(Clone, Copy, Debug)]
pub struct Memory {
    pub live_bytes: u64,
    pub peak_bytes: u64,
    pub heap_bytes: u64,
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

fn run_one(session: &mut Session, runner: &str, workload: &Workload) -> Result<Run, String> {
    if runner == NATIVE { native::run(&workload.name, &workload.source) } else { session.run(runner, &workload.name) }
}

fn rotated(runners: &[String], round: usize) -> impl Iterator<Item = &String> {
    (0..runners.len()).map(move |i| &runners[(i + round) % runners.len()])
}

/// `total` VM creations per runner, in `batches` interleaved batches.
pub fn vm_init(session: &mut Session, runners: &[String], total: usize, batches: usize) -> Result<BTreeMap<String, Vec<f64>>, String> {
    let mut times: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for batch in 0..batches {
        let n = total / batches + usize::from(batch < total % batches);
        for runner in rotated(runners, batch) {
            let batch_times = if runner == NATIVE {
                (0..n).map(|_| native::init_time()).collect::<Result<Vec<_>, _>>()?
            } else {
                session.init_times(runner, n)?
            };
            times.entry(runner.clone()).or_default().extend(batch_times);
        }
    }
    Ok(times)
}

/// One run of every workload on every runner: the memory figures and checksums (deterministic),
/// and the warm-up of the timed rounds.
pub fn single_pass(session: &mut Session, runners: &[String], workloads: &[Workload]) -> Result<BTreeMap<(String, String), Run>, String> {
    let mut runs = BTreeMap::new();
    for workload in workloads {
        for runner in runners {
            runs.insert((runner.clone(), workload.name.clone()), run_one(session, runner, workload)?);
        }
    }
    Ok(runs)
}

/// `reps` timed rounds; each round runs every workload once on every runner.
pub fn timed_rounds(session: &mut Session, runners: &[String], workloads: &[Workload], reps: usize) -> Result<Samples, String> {
    let mut samples = Samples::new();
    for round in 0..reps {
        step(&format!("workloads: timed round {}/{reps}", round + 1), || {
            for workload in workloads {
                for runner in rotated(runners, round) {
                    let run = run_one(session, runner, workload)?;
                    samples.entry((runner.clone(), workload.name.clone())).or_default().push(run.ms);
                }
            }
            Ok(())
        })?;
    }
    Ok(samples)
}

/// Checks that every runner's result of every workload equals native's.
pub fn check_results(runs: &BTreeMap<(String, String), Run>, reference: &str) -> Result<(), String> {
    let mut wrong = Vec::new();
    for ((runner, workload), run) in runs {
        let expected = &runs[&(reference.to_owned(), workload.clone())].result;
        if &run.result != expected {
            wrong.push(format!("{workload} on {runner}: `{}`, {reference} gave `{expected}`", run.result));
        }
    }
    if wrong.is_empty() { Ok(()) } else { Err(format!("results differ:\n  {}", wrong.join("\n  "))) }
}
