// Built-ins the guest code uses, captured when the bundle is evaluated (before any user code),
// so a script that rebinds a global (`globalThis.JSON = …`) cannot change how the SDK behaves.

export const JsonStringify = JSON.stringify;
export const JsonParse = JSON.parse;
export const ObjectFreeze = Object.freeze;
export const ObjectIsFrozen = Object.isFrozen;
export const ObjectIsExtensible = Object.isExtensible;
export const ObjectIs = Object.is;
export const ObjectKeys = Object.keys;
export const ObjectDefineProperty = Object.defineProperty;
export const ObjectGetOwnPropertyNames = Object.getOwnPropertyNames;
export const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
export const ObjectGetPrototypeOf = Object.getPrototypeOf;
export const ReflectGetOwnPropertyDescriptor = Reflect.getOwnPropertyDescriptor;
export const ReflectGetPrototypeOf = Reflect.getPrototypeOf;
export const ReflectOwnKeys = Reflect.ownKeys;
export const PromiseCtor = Promise;
export const MapCtor = Map;
export const SetCtor = Set;
export const WeakSetCtor = WeakSet;
export const ErrorCtor = Error;
export const TypeErrorCtor = TypeError;
export const EvalErrorCtor = EvalError;
export const StringFn = String;
export const NumberFn = Number;
export const RegExpCtor = RegExp;
export const MathImul = Math.imul;
export const NumberParseInt = Number.parseInt;

export function rejected(reason: unknown): Promise<never> {
  return new PromiseCtor((_resolve, reject) => reject(reason));
}
