// The page chromium.mjs opens: measures every module it is given and the wasmoon peer in this
// browser, then POSTs the raw samples to /result (statistics are the harness's job).
//
// Plan (from /config.json): { coldRuns, initTotal, initBatches, initGroup, reps, workloads: [names],
//                             micro: [names], microRunners: [runners] }
// In this order: workloads, VM init, cold start.
//   cold start:  per sample, a fresh iframe (browser_cold.mjs, which says what the clock covers).
//   VM init:     initTotal VM creations per runner in initBatches interleaved batches, timed in
//                groups of initGroup (a VM takes ~30 µs, near the clock's 5 µs resolution).
//   workloads:   one untimed pass (results, warm-up), then reps rounds, each running every
//                workload once on every runner (rotated), each run on a fresh VM; likewise the
//                micro benchmarks on the micro runners.
// Result: { userAgent, cold: {runner: [ms]}, init: {runner: [ms per VM]},
//           results: {runner: {workload: result}}, samples: {runner: {workload: [ms]}} }

const config = await (await fetch("/config.json")).json();
const plan = config.plan;
const post = (path, value) => fetch(path, { method: "POST", body: typeof value === "string" ? value : JSON.stringify(value) });
const progress = (text) => post("/progress", text);

let nonce = 0;

// One cold start sample of `runner` in a fresh iframe (browser_cold.mjs), removed afterwards.
async function coldInFrame(runner) {
  const id = ++nonce;
  const frame = document.createElement("iframe");
  const answer = new Promise((resolve) => {
    const listen = (event) => {
      if (event.data?.nonce !== id) return;
      removeEventListener("message", listen);
      resolve(event.data);
    };
    addEventListener("message", listen);
  });
  frame.src = `/cold.html?runner=${encodeURIComponent(runner)}&nonce=${id}`;
  document.body.append(frame);
  const { ms, result, error } = await answer;
  frame.remove();
  if (error) throw new Error(`cold start of ${runner}: ${error}`);
  return { ms, result };
}

async function ourRunner(name) {
  const glue = await import(`/m/${name}/main/lua_wasm.js`);
  await glue.default({ module_or_path: `/m/${name}/main/lua_wasm_bindgen_bg.wasm` });
  return {
    async initGroup(n) {
      const vms = [];
      const start = performance.now();
      for (let i = 0; i < n; i++) vms.push(new glue.LuaVm());
      const ms = performance.now() - start;
      for (const vm of vms) vm.free();
      return ms / n;
    },
    async run(source, workload) {
      const vm = new glue.LuaVm();
      const start = performance.now();
      const result = vm.exec(source, `=${workload}`);
      const ms = performance.now() - start;
      vm.free();
      return { ms, result };
    },
  };
}

async function wasmoonRunner() {
  await new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "/wasmoon/index.js";
    script.onload = resolve;
    script.onerror = () => reject(new Error("cannot load /wasmoon/index.js"));
    document.head.append(script);
  });
  const { LuaFactory } = globalThis.wasmoon;
  const factory = new LuaFactory("/wasmoon/glue.wasm");
  await factory.getLuaModule();
  return {
    async initGroup(n) {
      const engines = [];
      const start = performance.now();
      for (let i = 0; i < n; i++) engines.push(await factory.createEngine());
      const ms = performance.now() - start;
      for (const engine of engines) engine.global.close();
      return ms / n;
    },
    async run(source) {
      const engine = await factory.createEngine();
      const start = performance.now();
      const result = String(await engine.doString(source));
      const ms = performance.now() - start;
      engine.global.close();
      return { ms, result };
    },
  };
}

const rotated = (list, round) => list.map((_, i) => list[(i + round) % list.length]);
const push = (table, runner, key, value) => ((table[runner] ??= {})[key] ??= []).push(value);

async function measure() {
  const runners = {};
  for (const name of config.modules) runners[name] = await ourRunner(name);
  if (config.wasmoon) runners.wasmoon = await wasmoonRunner();
  const names = Object.keys(runners);
  const out = { userAgent: navigator.userAgent, crossOriginIsolated, cold: {}, init: {}, results: {}, samples: {} };

  await progress("workloads: one run each (results, warm-up)");
  for (const workload of plan.workloads) {
    for (const name of names) {
      (out.results[name] ??= {})[workload] = (await runners[name].run(config.sources[workload], workload)).result;
    }
  }
  // The micro benchmarks (coroutine switch, pcall) on the runners named for them.
  const micro = names.filter((name) => plan.microRunners.includes(name));
  for (const workload of plan.micro) {
    for (const name of micro) {
      (out.results[name] ??= {})[workload] = (await runners[name].run(config.sources[workload], workload)).result;
    }
  }
  for (let round = 0; round < plan.reps; round++) {
    await progress(`workloads: timed round ${round + 1}/${plan.reps}`);
    for (const [list, who] of [[plan.workloads, names], [plan.micro, micro]]) {
      for (const workload of list) {
        for (const name of rotated(who, round)) {
          push(out.samples, name, workload, (await runners[name].run(config.sources[workload], workload)).ms);
        }
      }
    }
  }

  await progress(`VM init: ${plan.initTotal} per runner`);
  const groups = Math.max(1, Math.round(plan.initTotal / plan.initBatches / plan.initGroup));
  for (let batch = 0; batch < plan.initBatches; batch++) {
    for (const name of rotated(names, batch)) {
      for (let g = 0; g < groups; g++) (out.init[name] ??= []).push(await runners[name].initGroup(plan.initGroup));
    }
  }

  await progress(`cold start: ${plan.coldRuns} per runner`);
  for (let round = 0; round < plan.coldRuns; round++) {
    for (const name of rotated(names, round)) {
      const { ms, result } = await coldInFrame(name);
      if (result !== "2") throw new Error(`cold start of ${name}: return 1+1 gave ${result}`);
      (out.cold[name] ??= []).push(ms);
    }
  }
  return out;
}

try {
  await post("/result", await measure());
} catch (error) {
  await post("/error", `${error.name}: ${error.message}\n${error.stack ?? ""}`);
}
