export { LuaVm, backendName };
