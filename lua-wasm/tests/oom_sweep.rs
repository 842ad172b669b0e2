//! Allocation-failure sweeps in the spirit of Lua's own `ltests`: for state creation and for a
//! set of scripts, fail the Nth allocation (Lua absorbs a single failure with an emergency full
//! collection, so this puts a full GC at every allocation point), fail every allocation from the
//! Nth on (every out-of-memory error path), and cap the live bytes at limits rising in small
//! steps. Every run must end in the expected result or a clean "not enough memory"; the state
//! must then be usable (single failures, byte limits once lifted) or close cleanly (persistent
//! failures); after close no byte is live and every canary is intact (`Checked`).
//!
//! Runs on the backend the cargo feature selects; on wasm32 it samples every Kth point.

use lua_allocators::{Checked, FailAfter, FailMode, LeakReport};
use lua_wasm::{ErrorKind, Lua, LuaError, Options, SelectedBackend};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// The backend under test: canaries and leak counts over failure injection.
type Probe = Checked<FailAfter<SelectedBackend>>;

/// Natively every failure point is tried; on wasm32 (debug wasm in Node is slower) every Kth.
const STRIDE: u64 = if cfg!(target_arch = "wasm32") { 3 } else { 1 };
/// Byte-limit steps per script.
const LIMIT_STEPS: usize = if cfg!(target_arch = "wasm32") { 40 } else { 120 };

/// Generous for these scripts; stops a regression that loops instead of failing.
const INSTRUCTIONS: u32 = 5_000_000;

/// Scripts use locals only, so running one twice in a state gives the same result.
const SCRIPTS: &[(&str, &str)] = &[
    (
        "string building",
        "local parts = {}
         for i = 1, 40 do parts[#parts + 1] = tostring(i) .. ':' .. string.rep('ab', i % 5) end
         local s = table.concat(parts, ',')
         local acc = ''
         for i = 1, 30 do acc = acc .. i .. ' ' end
         return #s, s:sub(1, 12), #acc, s:upper():sub(-6), ('x'):rep(3, '-')",
    ),
    (
        "table growth",
        "local t = {}
         for i = 1, 300 do t[i] = i * 2 end
         local h = {}
         for i = 1, 120 do h['key' .. i] = {i, tostring(i)} end
         for i = 1, 60 do h['key' .. i] = nil end
         table.insert(t, 1, 0)
         table.remove(t, 5)
         table.sort(t, function(a, b) return a > b end)
         local n = 0
         for _ in pairs(h) do n = n + 1 end
         return #t, t[1], n, h.key100[2], select('#', table.unpack(t, 1, 50))",
    ),
    (
        "coroutines",
        "local gen = coroutine.wrap(function(a)
           for i = 1, 10 do a = coroutine.yield(a + i) end
           return a
         end)
         local sum = 0
         for i = 1, 10 do sum = sum + gen(i) end
         local co = coroutine.create(function(...) local x = {...} coroutine.yield(#x) error('inside') end)
         local ok1, n = coroutine.resume(co, 1, 2, 3)
         local ok2, err = coroutine.resume(co)
         if err == 'not enough memory' then error(err, 0) end
         local pending = coroutine.create(function() local t <close> = setmetatable({}, {__close = function() end}) coroutine.yield() end)
         coroutine.resume(pending)
         local closed, why = coroutine.close(pending)
         if not closed then error(why, 0) end -- (a memory error in __close)
         return sum, ok1, n, ok2, err:match('inside'), closed, coroutine.status(co)",
    ),
    (
        "to-be-closed variables",
        "local log = {}
         local function closer(name)
           return setmetatable({}, {__close = function(_, e) log[#log + 1] = name .. (e and '!' or '') end})
         end
         do
           local a <close> = closer('a')
           local b <close> = closer('b')
         end
         local ok, e = pcall(function()
           local c <close> = closer('c')
           error('fail', 0)
         end)
         if e == 'not enough memory' then error(e, 0) end
         for i = 1, 3 do local d <close> = closer('d' .. i) end
         return table.concat(log, ','), ok, e",
    ),
    (
        "load of source",
        "local function must(f, msg) if not f then error(msg, 0) end return f end -- no position
         local f = must(load('local a, b = ... return a * b + select(\"#\", ...)', '=chunk', 't'))
         local parts, i = {'return ', '1 + ', '2 * ', '3'}, 0
         local g = must(load(function() i = i + 1 return parts[i] end))
         local bad, msg = load('return +', '=bad')
         if msg == 'not enough memory' then error(msg, 0) end
         local env = {x = 5}
         local h = must(load('return x', 'env', 't', env))
         return f(6, 7), g(), bad, msg, h()",
    ),
    (
        "string.format",
        "local out = {}
         for i = 1, 20 do
           out[#out + 1] = string.format('%d %5.2f %s %q %x %g %-8s|%10.3e', i, i / 3, 'str' .. i, 'a\\nb\\0c', i * 255, 2 ^ i, 'l', i * 1e10)
         end
         out[#out + 1] = string.format('%q %q %a', 1 / 0, math.mininteger, 1.5)
         return #table.concat(out), out[7], out[21]",
    ),
    (
        "gsub and patterns",
        "local s = ('the quick brown fox jumps over the lazy dog '):rep(4)
         local a, n = s:gsub('(%w+)', '<%1>')
         local b = s:gsub('%w+', function(w) return #w > 4 and w:upper() or nil end)
         local c = s:gsub('(o)(%w)', {o = '0'})
         local words = {}
         for w in s:gmatch('%a+') do words[#words + 1] = w end
         local found = {s:find('(l%a+)%s+(d%a+)')}
         return #a, n, b:sub(1, 20), #c, #words, found[3], found[4], ('k=v; x=y'):match('(%w+)=(%w+)')",
    ),
    (
        "error handling",
        "local function rethrow_oom(ok, e)
           if not ok and (e == 'not enough memory' or e == 'error in error handling') then error(e, 0) end
           return ok, e
         end
         local _, e1 = rethrow_oom(pcall(error, {code = 1}))
         local _, e2 = rethrow_oom(pcall(function() local x = nil; return x.field end))
         local _, e3 = rethrow_oom(xpcall(function() error('deep') end, function(m) return 'handled: ' .. m end))
         local _, e4 = rethrow_oom(xpcall(function() error('tb') end, debug.traceback))
         local _, e5 = rethrow_oom(pcall(error, setmetatable({}, {__tostring = function() return 'custom' end})))
         local _, e6 = rethrow_oom(pcall(string.rep))
         local _, e7 = rethrow_oom(pcall(function() return 1 + {} end))
         return e1.code, e2:match('attempt to index'), e3, e4:match('^[^\\n]*'), tostring(e5), e6:match('bad argument'), e7:match('arithmetic')",
    ),
];

fn probe(mode: FailMode) -> Probe {
    Checked::new(FailAfter::new(SelectedBackend::default(), mode))
}

fn open(mode: FailMode, memory_limit: usize) -> Result<Lua, LuaError> {
    Lua::with_backend(probe(mode), Options { memory_limit, instruction_limit: INSTRUCTIONS, ..Options::default() })
}

/// Allocating requests the probe has seen so far.
fn requests(lua: &Lua) -> u64 {
    lua.backend::<Probe>().inner().requests()
}

/// Closes the state and checks that every block came back (canaries are checked on each free).
fn close_clean(lua: Lua, what: &str) {
    lua.close_and_inspect(|stats, backend: &Probe| {
        assert_eq!(stats.live_bytes, 0, "{what}: live bytes after close");
        assert_eq!(backend.leak_report(), LeakReport::default(), "{what}: leaked blocks");
    });
}

/// A failed run must be out-of-memory: Lua's own memory error, that message re-raised by a
/// script (`error(e, 0)`) or reported by an error handler that failed for lack of memory, or a
/// library's own error for a stack that could not grow (`lua_checkstack` reports a failed
/// reallocation as false, and `table.unpack` then says "too many results").
fn assert_clean_oom(error: &LuaError, what: &str) {
    let message = error.message.as_str();
    let oom = message == "not enough memory"
        || message == "error in error handling"
        || message.ends_with(": too many results to unpack");
    assert!(oom, "{what}: expected a clean out-of-memory error, got {:?}: {}", error.kind, error.message);
}

/// State creation fails with a memory error: from `lua_newstate` or from opening the libraries.
fn assert_creation_oom(error: &LuaError, what: &str) {
    let clean = error.message == "not enough memory" || error.message == "cannot create a Lua state: not enough memory";
    assert!(clean && error.kind == ErrorKind::Memory, "{what}: {:?}: {error}", error.kind);
}

/// Creation and its allocation count with no failure injected.
fn creation_requests() -> u64 {
    let lua = open(FailMode::Never, 0).expect("state opens");
    let count = requests(&lua);
    close_clean(lua, "baseline creation");
    count
}

#[test]
fn state_creation_fails_cleanly_at_every_allocation() {
    let total = creation_requests();
    assert!(total > 10, "creation made {total} requests");
    let mut points = 0;
    for n in (1..=total).step_by(STRIDE as usize) {
        for mode in [FailMode::Nth(n), FailMode::AfterN(n - 1)] {
            points += 1;
            match open(mode, 0) {
                Ok(lua) => {
                    // Only a single failure can be absorbed (Lua's emergency collection retries).
                    assert!(matches!(mode, FailMode::Nth(_)), "{mode:?}: creation succeeded with every later request failing");
                    assert_eq!(lua.exec("return #string.rep('x', 10)", None).unwrap(), "10", "{mode:?}");
                    close_clean(lua, &format!("creation {mode:?}"));
                }
                Err(error) => assert_creation_oom(&error, &format!("{mode:?}")),
            }
        }
    }
    eprintln!("state creation: {total} requests, {points} failure points");
}

#[test]
fn state_creation_under_rising_byte_limits() {
    let lua = open(FailMode::Never, 0).expect("state opens");
    let needed = lua.memory_stats().alloc.peak_bytes;
    close_clean(lua, "baseline");
    let step = (needed / LIMIT_STEPS).max(64);
    let mut steps = 0;
    for limit in (step..needed + 2 * step).step_by(step) {
        steps += 1;
        match open(FailMode::Never, limit) {
            Ok(lua) => {
                assert!(limit >= needed / 2, "opened with {limit} of {needed} bytes");
                lua.set_memory_limit(0);
                assert_eq!(lua.exec("return 6 * 7", None).unwrap(), "42");
                close_clean(lua, &format!("creation limit {limit}"));
            }
            Err(error) => assert_creation_oom(&error, &format!("limit {limit}")),
        }
    }
    assert!(open(FailMode::Never, needed).is_ok(), "the peak of an unlimited creation is enough");
    eprintln!("state creation: {steps} byte limits up to {needed} bytes");
}

/// Runs `script` once without failures: its result, the requests creation made and the
/// requests the script made.
fn baseline(name: &str, script: &str) -> (String, u64, u64, usize, usize) {
    let lua = open(FailMode::Never, 0).expect("state opens");
    let created = requests(&lua);
    let start_live = lua.memory_stats().alloc.live_bytes;
    let expected = lua.exec(script, Some(name)).unwrap_or_else(|e| panic!("{name}: {e}\n{}", e.traceback));
    let made = requests(&lua) - created;
    let peak = lua.memory_stats().alloc.peak_bytes;
    assert_eq!(lua.exec(script, Some(name)).unwrap(), expected, "{name}: scripts must be repeatable");
    close_clean(lua, name);
    (expected, created, made, start_live, peak)
}

/// The sweeps for one script: every Nth request failing once, every request from the Nth on
/// failing, and rising byte limits.
fn sweep(name: &str, script: &str) {
    let (expected, created, made, start_live, peak) = baseline(name, script);
    let mut failures = 0;
    let mut points = 0;
    for n in (1..=made + 1).step_by(STRIDE as usize) {
        // One failure: Lua collects garbage and retries, or fails the request; either way the
        // state stays usable.
        let lua = open(FailMode::Nth(created + n), 0).expect("creation is not affected");
        match lua.exec(script, Some(name)) {
            Ok(result) => assert_eq!(result, expected, "{name}: Nth({n})"),
            Err(error) => {
                failures += 1;
                assert_clean_oom(&error, &format!("{name}: Nth({n})"));
            }
        }
        assert_eq!(lua.exec("return 1 + 1", None).unwrap(), "2", "{name}: usable after Nth({n})");
        close_clean(lua, &format!("{name}: Nth({n})"));

        // Every request from the Nth on fails: the run fails (unless it is past the end) and
        // the state still closes cleanly.
        let lua_mode = FailMode::AfterN(created + n - 1);
        let lua = open(lua_mode, 0).expect("creation is not affected");
        match lua.exec(script, Some(name)) {
            Ok(result) => {
                assert_eq!(result, expected, "{name}: AfterN({n})");
                assert!(n > made || requests(&lua) < created + n, "{name}: succeeded through a failed request at {n}");
            }
            Err(error) => assert_clean_oom(&error, &format!("{name}: AfterN({n})")),
        }
        let _ = lua.exec("return 1 + 1", None);
        close_clean(lua, &format!("{name}: AfterN({n})"));
        points += 2;
    }

    // Byte limits from the live size after creation up to past the unlimited peak.
    let step = ((peak - start_live) / LIMIT_STEPS).max(16);
    let mut steps = 0;
    for limit in (start_live..peak + step).step_by(step) {
        steps += 1;
        let lua = open(FailMode::Never, 0).expect("state opens");
        let creation_peak = lua.memory_stats().alloc.peak_bytes;
        lua.set_memory_limit(limit);
        match lua.exec(script, Some(name)) {
            Ok(result) => assert_eq!(result, expected, "{name}: limit {limit}"),
            Err(error) => assert_clean_oom(&error, &format!("{name}: limit {limit}")),
        }
        assert!(lua.memory_stats().alloc.peak_bytes <= limit.max(creation_peak), "{name}: limit {limit} exceeded");
        lua.set_memory_limit(0);
        assert_eq!(lua.exec(script, Some(name)).unwrap(), expected, "{name}: rerun after limit {limit}");
        close_clean(lua, &format!("{name}: limit {limit}"));
    }
    eprintln!(
        "{name}: {made} requests, {points} failure points ({failures} single failures surfaced), {steps} byte limits"
    );
}

macro_rules! sweep_tests {
    ($($test:ident => $index:expr),* $(,)?) => {$(
        #[test]
        fn $test() {
            let (name, script) = SCRIPTS[$index];
            sweep(name, script);
        }
    )*};
}

sweep_tests! {
    string_building => 0,
    table_growth => 1,
    coroutines => 2,
    to_be_closed => 3,
    load_of_source => 4,
    string_format => 5,
    gsub_and_patterns => 6,
    error_handling => 7,
}
