export { LuaVm, backendName, luaVersion, linearMemoryBytes };
