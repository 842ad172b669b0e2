//! Lua that awaits Rust futures: `eval_async`, `call_async`, `create_async_function`.
//! Natively driven by `pollster`; the JS side (runAsync) is tested in js_async.rs.
#![cfg(not(target_arch = "wasm32"))]

use lua_wasm::{ErrorKind, Lua, LuaError, Options};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

fn lua() -> Lua {
    Lua::new(Options { instruction_limit: 1_000_000, ..Options::default() }).expect("state opens")
}

/// A value set later from outside: a future that is pending until `Gate::open`.
#[derive(Clone, Default)]
struct Gate(Rc<RefCell<(Option<i64>, Option<Waker>)>>);

impl Gate {
    fn open(&self, value: i64) {
        let waker = {
            let mut state = self.0.borrow_mut();
            state.0 = Some(value);
            state.1.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl Future for Gate {
    type Output = i64;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<i64> {
        let mut state = self.0.borrow_mut();
        match state.0 {
            Some(value) => Poll::Ready(value),
            None => {
                state.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// Polls every future once per round (a tiny executor), calling `between` after each round,
/// until all are ready; returns their outputs in order.
fn run_all<T>(mut futures: Vec<Pin<Box<dyn Future<Output = T>>>>, mut between: impl FnMut(usize)) -> Vec<T> {
    let mut outputs: Vec<Option<T>> = futures.iter().map(|_| None).collect();
    let waker = Waker::noop();
    let mut cx = Context::from_waker(waker);
    for round in 0..1000 {
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                if let Poll::Ready(value) = future.as_mut().poll(&mut cx) {
                    *output = Some(value);
                }
            }
        }
        if outputs.iter().all(Option::is_some) {
            return outputs.into_iter().map(Option::unwrap).collect();
        }
        between(round);
    }
    panic!("the futures did not finish");
}

#[test]
fn a_chunk_awaits_rust_futures() {
    let lua = lua();
    let double = lua.create_async_function(|_, n: i64| async move { Ok(n * 2) }).unwrap();
    lua.globals().set("double", double).unwrap();
    let result: i64 = pollster::block_on(lua.load("local a = double(10) local b = double(a) return a + b").eval_async()).unwrap();
    assert_eq!(result, 60);
    let sum: i64 = pollster::block_on(lua.load("1 + double(4)").eval_async()).unwrap();
    assert_eq!(sum, 9, "expressions, as eval");
}

#[test]
fn calls_interleave_at_awaits() {
    let lua = lua();
    let gates = [Gate::default(), Gate::default()];
    let waits = gates.clone();
    let wait = lua.create_async_function(move |_, which: usize| {
        let gate = waits[which].clone();
        async move { Ok(gate.await) }
    });
    lua.globals().set("wait", wait.unwrap()).unwrap();
    lua.load("log = {}").exec().unwrap();
    let first = lua.load("log[#log + 1] = 'first waits' local v = wait(0) log[#log + 1] = 'first got ' .. v return v").eval_async::<i64>();
    let second = lua.load("log[#log + 1] = 'second waits' local v = wait(1) log[#log + 1] = 'second got ' .. v return v").eval_async::<i64>();
    // Settle in the opposite order; a synchronous call runs while both are suspended.
    let results = run_all(vec![Box::pin(first), Box::pin(second)], |round| match round {
        0 => {
            assert_eq!(lua.load("return #log").eval::<i64>().unwrap(), 2, "both suspended, the state usable");
            gates[1].open(20);
        }
        1 => gates[0].open(10),
        _ => {}
    });
    assert_eq!(results.into_iter().map(Result::unwrap).collect::<Vec<_>>(), vec![10, 20]);
    let log: Vec<String> = lua.globals().get("log").unwrap();
    assert_eq!(log, ["first waits", "second waits", "second got 20", "first got 10"]);
}

#[test]
fn errors_of_futures_are_lua_errors() {
    let lua = lua();
    let fail = lua.create_async_function(|_, message: String| async move { Err::<(), _>(LuaError::runtime(message)) }).unwrap();
    lua.globals().set("fail", fail).unwrap();
    let caught: String = pollster::block_on(lua.load("local ok, e = pcall(fail, 'rejected') return e").eval_async()).unwrap();
    assert_eq!(caught, "rejected", "pcall catches across the await");
    let error = pollster::block_on(lua.load("fail('uncaught')").eval_async::<()>()).unwrap_err();
    assert_eq!((error.kind, error.message.as_str()), (ErrorKind::Runtime, "uncaught"));
    let runtime = pollster::block_on(lua.load("local x = nil return x.y").name("app.lua").eval_async::<()>()).unwrap_err();
    assert_eq!(runtime.message, "app.lua:1: attempt to index a nil value (local 'x')");
    assert!(runtime.traceback.contains("stack traceback"), "{}", runtime.traceback);
    assert_eq!(lua.load("return 1 + 1").eval::<i64>().unwrap(), 2);
}

#[test]
fn await_only_where_the_driver_can_resume() {
    let lua = lua();
    let tick = lua.create_async_function(|_, ()| async { Ok(1) }).unwrap();
    lua.globals().set("tick", tick).unwrap();
    let outside = lua.load("tick()").exec().unwrap_err();
    assert!(outside.message.contains("only available in code run by runAsync"), "{}", outside.message);
    let nested = pollster::block_on(lua.load("return coroutine.wrap(function() return tick() end)()").eval_async::<()>()).unwrap_err();
    assert!(nested.message.contains("not inside a coroutine that code creates"), "{}", nested.message);
    let c_boundary = pollster::block_on(lua.load("table.sort({3, 1, 2}, function(a, b) tick() return a < b end)").eval_async::<()>()).unwrap_err();
    assert!(c_boundary.message.contains("cannot await here"), "{}", c_boundary.message);
    let plain_yield: i64 = pollster::block_on(lua.load("coroutine.yield() return tick() + 1").eval_async()).unwrap();
    assert_eq!(plain_yield, 2, "a plain yield resumes at once");
}

#[test]
fn the_instruction_limit_spans_awaits() {
    let lua = Lua::new(Options { instruction_limit: 200_000, ..Options::default() }).unwrap();
    let tick = lua.create_async_function(|_, ()| async { Ok(()) }).unwrap();
    lua.globals().set("tick", tick).unwrap();
    // Each step runs well under the limit; all of them together do not.
    let error = pollster::block_on(lua.load("while true do for i = 1, 1000 do end tick() end").eval_async::<()>()).unwrap_err();
    assert_eq!(error.kind, ErrorKind::InstructionLimit);
    let fine: i64 = pollster::block_on(lua.load("local n = 0 for i = 1, 50 do tick() n = n + 1 end return n").eval_async()).unwrap();
    assert_eq!(fine, 50);
}

#[test]
fn dropping_the_state_ends_pending_calls() {
    let lua = lua();
    let gate = Gate::default();
    let waiting = gate.clone();
    let wait = lua.create_async_function(move |_, ()| {
        let gate = waiting.clone();
        async move { Ok(gate.await) }
    });
    lua.globals().set("wait", wait.unwrap()).unwrap();
    let mut pending = Box::pin(lua.load("return wait()").eval_async::<i64>());
    let waker = Waker::noop();
    assert!(pending.as_mut().poll(&mut Context::from_waker(waker)).is_pending());
    drop(lua);
    match pending.as_mut().poll(&mut Context::from_waker(waker)) {
        Poll::Ready(Err(error)) => assert_eq!(error.kind, ErrorKind::Closed),
        other => panic!("expected a Closed error, got {:?}", other.map(|r| r.map(|_| ()))),
    }
}
