export { LuaVm, backendName, luaVersion, linearMemoryBytes, init, initSync };
export default init;
