// The ArkTS runtime's globals, trimmed from the API 12 SDK's component/global.d.ts (which types the
// variadic arguments any[]; unknown[] here accepts the same). Only for `npm run lint:arkts`.
declare class console {
  static debug(message: string, ...arguments: unknown[]): void;
  static log(message: string, ...arguments: unknown[]): void;
  static info(message: string, ...arguments: unknown[]): void;
  static warn(message: string, ...arguments: unknown[]): void;
  static error(message: string, ...arguments: unknown[]): void;
}
declare function setInterval(handler: Function | string, delay: number, ...arguments: unknown[]): number;
declare function setTimeout(handler: Function | string, delay?: number, ...arguments: unknown[]): number;
declare function clearInterval(intervalID?: number): void;
declare function clearTimeout(timeoutID?: number): void;
