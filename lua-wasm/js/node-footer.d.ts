
/**
 * Resolves at once: Node instantiates the module synchronously when it is loaded. It exists so
 * that code written for browsers (`await init()`) runs unchanged.
 */
export function init(): Promise<void>;
