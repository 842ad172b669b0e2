module.exports = { LuaVm, backendName };
