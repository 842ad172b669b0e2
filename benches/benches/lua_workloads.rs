//! Allocator backends compared on real Lua workloads, natively: `init` (newstate + openlibs +
//! close) and each script of `benches/lua/`, fresh state per iteration. Throughput is allocator
//! operations per second (allocations + reallocations + frees of one run). `system` (libc
//! realloc/free, Lua's own default) is the reference.
//!
//! `cargo bench -p benches` runs everything (a few minutes); `cargo bench -p benches -- --quick`
//! a short pass; `cargo test -p benches --benches` runs each bench once (CI smoke test).

use benches::{Workload, run_once, workloads};
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime};
use lua_allocators::{Backend, Buddy, Bump, Dlmalloc, System, Talc};
use std::hint::black_box;
use std::time::Duration;

/// Benches one backend on one workload, after checking it computes the reference result.
fn bench_backend<B: Backend + Default>(group: &mut BenchmarkGroup<'_, WallTime>, name: &str, workload: &Workload, expected: &str) {
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
        group.finish();
    }
}

criterion_group! {
    name = benches;
    // Short windows keep the whole suite (10 groups x 5 backends) to a few minutes.
    config = Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2)).sample_size(20);
    targets = lua_workloads
}
criterion_main!(benches);
