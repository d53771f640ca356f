/**
 * `@kit.AbilityKit` of the emulated device. Apps use `common` for its types (`common.Context`), which come
 * from the declarations; at run time an empty object stands for the namespace. Contexts come from
 * `getSandbox().createContext()`.
 */
export const common = {};
