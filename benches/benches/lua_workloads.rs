//! Allocator backends compared on real Lua workloads, natively: `init` (newstate + openlibs +
//! close) and each script of `benches/lua/`, fresh state per iteration. Throughput is allocator
//! operations per second (allocations + reallocations + frees of one run). `system` (libc
//! realloc/free, Lua's own default) is the reference.
//!
//! The `replay/*` groups replay allocation traces without Lua in the loop, isolating the
//! allocator's own cost: the adversarial patterns of `benches::adversarial`, and the traces of
//! every workload recorded on wasm32 by `cargo harness traces` (target/traces/, so object sizes
//! are the wasm ones) when present.
//!
//! `cargo bench -p benches` runs everything (a few minutes); `cargo bench -p benches -- --quick`
//! a short pass; `cargo test -p benches --benches` runs each bench once (CI smoke test).

use benches::{Workload, adversarial, recorded_traces, run_once, workloads};
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime};
use lua_allocators::{Backend, Buddy, Bump, Dlmalloc, Slab, System, Talc, replay};
use std::hint::black_box;
use std::time::Duration;

/// Benches one backend on one workload, after checking it computes the reference result.
fn bench_backend<B: Backend + Default + 'static>(group: &mut BenchmarkGroup<'_, WallTime>, name: &str, workload: &Workload, expected: &str) {
    assert_eq!(run_once(B::default(), workload).result, expected, "{name} computes {} differently", workload.name);
    group.bench_function(name, |b| b.iter(|| black_box(run_once(B::default(), black_box(workload)))));
}

fn lua_workloads(c: &mut Criterion) {
    for workload in workloads() {
        let reference = run_once(System::default(), &workload);
        let mut group = c.benchmark_group(format!("workload/{}", workload.name));
        group.throughput(Throughput::Elements(reference.allocator_ops()));
        bench_backend::<System>(&mut group, "system", &workload, &reference.result);
        bench_backend::<Talc>(&mut group, "talc", &workload, &reference.result);
        bench_backend::<Dlmalloc>(&mut group, "dlmalloc", &workload, &reference.result);
        bench_backend::<Buddy>(&mut group, "buddy", &workload, &reference.result);
        bench_backend::<Bump>(&mut group, "bump", &workload, &reference.result);
        bench_backend::<Slab>(&mut group, "slab", &workload, &reference.result);
        group.finish();
    }
}

/// Replays one trace on fresh instances of one backend.
fn bench_replay<B: Backend + Default>(group: &mut BenchmarkGroup<'_, WallTime>, name: &str, trace: &[u8]) {
    group.bench_function(name, |b| b.iter(|| black_box(replay(black_box(trace), &mut B::default()).expect("trace decodes"))));
}

fn trace_replay(c: &mut Criterion) {
    let recorded = recorded_traces();
    if recorded.is_empty() {
        eprintln!("no recorded wasm traces in target/traces: run `cargo harness traces` to add the replay/<workload> groups");
    }
    for (name, trace) in adversarial::all().into_iter().map(|(n, t)| (n.to_owned(), t)).chain(recorded) {
        let ops = replay(&trace, &mut System).expect("trace decodes").ops;
        let mut group = c.benchmark_group(format!("replay/{name}"));
        group.throughput(Throughput::Elements(ops as u64));
        bench_replay::<System>(&mut group, "system", &trace);
        bench_replay::<Talc>(&mut group, "talc", &trace);
        bench_replay::<Dlmalloc>(&mut group, "dlmalloc", &trace);
        bench_replay::<Buddy>(&mut group, "buddy", &trace);
        bench_replay::<Bump>(&mut group, "bump", &trace);
        bench_replay::<Slab>(&mut group, "slab", &trace);
        group.finish();
    }
}

criterion_group! {
    name = benches;
    // Short windows keep the whole suite (about 20 groups x 6 backends) to a few minutes.
    config = Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2)).sample_size(20);
    targets = lua_workloads, trace_replay
}
criterion_main!(benches);
