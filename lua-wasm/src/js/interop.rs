//! Module-wide JavaScript plumbing, made with `js_sys` alone (no JS snippet files: wasm-bindgen's
//! `--target nodejs` does not support them, and no `eval`, which strict CSPs forbid).
//!
//! - A Lua function given to JS is a `Proxy` of a fresh target function carrying its VM id and
//!   reference id under two module-private symbols; one `apply` trap serves them all.
//! - A `FinalizationRegistry` releases the reference when JS drops the function.
//! - Live VMs are found by id, so that a function outliving its VM reports "this LuaVm has
//!   been freed" instead of touching freed memory.

use super::VmInner;
use js_sys::{Array, Function, Object, Reflect, Symbol};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;

pub(crate) struct Interop {
    handler: Object,
    registry: js_sys::FinalizationRegistry,
    vm_key: Symbol,
    ref_key: Symbol,
    /// Bound to make each target: a fresh function object per Lua function.
    template: Function,
    string: Function,
    vms: RefCell<HashMap<u32, Weak<VmInner>>>,
    next_vm: Cell<u32>,
}

thread_local! {
    static INTEROP: Interop = Interop::new();
}

/// Runs `f` with the module's interop state.
pub(crate) fn with<R>(f: impl FnOnce(&Interop) -> R) -> R {
    INTEROP.with(f)
}

pub(crate) const FREED: &str = "this LuaVm has been freed";

impl Interop {
    fn new() -> Self {
        // Module-lifetime closures: made once, never dropped.
        let apply = Closure::<dyn Fn(JsValue, JsValue, Array) -> Result<JsValue, JsValue>>::new(apply_trap);
        let handler = Object::new();
        Reflect::set(&handler, &"apply".into(), apply.as_ref()).expect("a plain object accepts properties");
        apply.forget();
        let cleanup = Closure::<dyn Fn(JsValue)>::new(release_held);
        let registry = js_sys::FinalizationRegistry::new(cleanup.as_ref().unchecked_ref());
        cleanup.forget();
        let global = js_sys::global();
        let string: Function = Reflect::get(&global, &"String".into()).expect("String exists").unchecked_into();
        // Unique to this module instance: another copy of the module (another backend in the
        // same page) has its own VM ids.
        let symbol: Function = Reflect::get(&global, &"Symbol".into()).expect("Symbol exists").unchecked_into();
        let unique = |name: &str| -> Symbol { symbol.call1(&JsValue::UNDEFINED, &name.into()).expect("Symbol() returns").unchecked_into() };
        Interop {
            handler,
            registry,
            vm_key: unique("lua-wasm-alloc vm"),
            ref_key: unique("lua-wasm-alloc ref"),
            template: string.clone(),
            string,
            vms: RefCell::new(HashMap::new()),
            next_vm: Cell::new(1),
        }
    }

    /// Registers a VM; its id goes into every function it hands out.
    pub fn add_vm(&self, vm: Weak<VmInner>) -> u32 {
        let id = self.next_vm.get();
        self.next_vm.set(id.wrapping_add(1).max(1));
        self.vms.borrow_mut().insert(id, vm);
        id
    }

    pub fn remove_vm(&self, id: u32) {
        self.vms.borrow_mut().remove(&id);
    }

    fn vm(&self, id: u32) -> Option<Rc<VmInner>> {
        self.vms.borrow().get(&id)?.upgrade()
    }

    /// The JS function for reference `ref_id` of VM `vm_id`.
    pub fn lua_function(&self, vm_id: u32, ref_id: u32) -> JsValue {
        #[allow(deprecated)] // `bind0` needs the typed-function API; the result is the same.
        let target = self.template.bind(&JsValue::NULL);
        let _ = Reflect::set(&target, &self.vm_key, &vm_id.into());
        let _ = Reflect::set(&target, &self.ref_key, &ref_id.into());
        js_sys::Proxy::new(&target, &self.handler).into()
    }

    /// Releases reference `ref_id` of VM `vm_id` once JS has dropped `function`.
    pub fn register(&self, function: &JsValue, vm_id: u32, ref_id: u32) {
        let held = (f64::from(vm_id) * 4_294_967_296.0 + f64::from(ref_id)).into();
        self.registry.register(function, &held);
    }

    /// The reference id of a function made by `lua_function` for VM `vm_id`.
    pub fn lua_ref_of(&self, vm_id: u32, function: &JsValue) -> Option<u32> {
        let ids = |key: &Symbol| Reflect::get(function, key).ok()?.as_f64();
        (ids(&self.vm_key)? == f64::from(vm_id)).then(|| ids(&self.ref_key).map(|r| r as u32)).flatten()
    }

    /// `String(value)`; an error when that throws (a Symbol, a throwing `toString`).
    pub fn to_string(&self, value: &JsValue) -> Result<String, JsValue> {
        Ok(self.string.call1(&JsValue::UNDEFINED, value)?.as_string().unwrap_or_default())
    }

    /// An object standing for a Lua value JS cannot hold (a coroutine, a userdata); its
    /// `toString` is set once Lua's `tostring` of the value is known.
    pub fn opaque(&self, type_name: &str) -> JsValue {
        let object = Object::new();
        let _ = Reflect::set(&object, &"type".into(), &type_name.into());
        object.into()
    }

    /// A function that returns `text`: `String.prototype.toString` bound to it.
    pub fn constant_function(&self, text: &str) -> JsValue {
        let prototype = Reflect::get(&self.string, &"prototype".into()).expect("String.prototype");
        let to_string: Function = Reflect::get(&prototype, &"toString".into()).expect("String.prototype.toString").unchecked_into();
        #[allow(deprecated)] // `bind0` needs the typed-function API; the result is the same.
        let bound = to_string.bind(&JsValue::from_str(text));
        bound.into()
    }
}

/// What Lua sees of a thrown JS value: an `Error`'s `message`, else `String(value)`.
pub(crate) fn message_of(value: &JsValue) -> String {
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    with(|interop| interop.to_string(value)).unwrap_or_else(|_| "(a JavaScript value that cannot be converted to a string)".into())
}

/// The `apply` trap: a call of a Lua function from JS.
fn apply_trap(target: JsValue, _this: JsValue, args: Array) -> Result<JsValue, JsValue> {
    let found = with(|interop| {
        let id = |key: &Symbol| Reflect::get(&target, key).ok()?.as_f64().map(|v| v as u32);
        Some((interop.vm(id(&interop.vm_key)?)?, id(&interop.ref_key)?))
    });
    match found {
        Some((vm, ref_id)) => vm.call_ref(ref_id, &args),
        None => Err(js_sys::Error::new(FREED).into()),
    }
}

/// The registry's cleanup: releases the reference if its VM still lives.
fn release_held(held: JsValue) {
    let held = held.as_f64().unwrap_or(0.0);
    let (vm_id, ref_id) = ((held / 4_294_967_296.0) as u32, (held % 4_294_967_296.0) as u32);
    if let Some(vm) = with(|interop| interop.vm(vm_id)) {
        vm.refs.release(&vm.lua, ref_id);
    }
}
