module.exports = { LuaVm, backendName, luaVersion, linearMemoryBytes, init };
