// Locks down a fresh context before user code runs: no code generation from strings, no
// WebAssembly / SharedArrayBuffer, every built-in constructor and prototype frozen.
// This runs once per execution (~2 µs per frozen object), so it does no more than that.
import {
  EvalErrorCtor,
  MapCtor,
  ObjectDefineProperty,
  ObjectFreeze,
  ObjectGetOwnPropertyDescriptor,
  ObjectGetOwnPropertyNames,
  ObjectGetPrototypeOf,
  SetCtor,
  TypeErrorCtor,
  WeakSetCtor,
} from './intrinsics.js';

type AnyObject = Record<PropertyKey, unknown>;

/**
 * Globals a script must not see. `console` is V8's inspector console; the guest installs its own.
 * FinalizationRegistry callbacks run whenever V8 collects garbage — possibly during a later
 * execution in the same isolate — so they would let one execution run code inside the next.
 */
const REMOVED_GLOBALS = [
  'eval',
  'WebAssembly',
  'SharedArrayBuffer',
  'FinalizationRegistry',
  'console',
];

/** Globals that are neither constructors nor namespaces: nothing to freeze. */
const PLAIN_GLOBALS = new SetCtor([
  'globalThis',
  'undefined',
  'NaN',
  'Infinity',
  'parseFloat',
  'parseInt',
  'isFinite',
  'isNaN',
  'decodeURI',
  'decodeURIComponent',
  'encodeURI',
  'encodeURIComponent',
  'escape',
  'unescape',
]);

/**
 * Intl's constructors and prototypes (~20 objects) are reachable only through the `Intl` global,
 * so they are frozen on first access of that name instead of up front (a script can never observe
 * them unfrozen). For other built-ins a lazy getter costs about what freezing does.
 */
const LAZY_GLOBALS = ['Intl'];

/**
 * Data properties turned into accessors before freezing, so that assigning them on an *instance*
 * still works (`this.name = 'MyError'` in an Error subclass, `Child.prototype.constructor = Child`).
 * Without this, frozen prototypes make such ordinary assignments throw ("override mistake").
 */
const OVERRIDABLE: readonly (readonly [string, readonly string[]])[] = [
  // Each accessor costs ~4 µs per execution: only the assignments scripts really make.
  ['Object', ['constructor', 'toString']],
  ['Error', ['name', 'message']],
];

const trustedGetters = new WeakSetCtor<object>();

/** True for the getters `harden` installed (they return a fixed value and run no user code). */
export function isTrustedGetter(fn: unknown): boolean {
  return typeof fn === 'function' && trustedGetters.has(fn);
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/**
 * Freezes a built-in and, for a constructor, its prototype. With `members`, also the constructors
 * a namespace holds (Intl.DateTimeFormat…); functions without a prototype (Math.max) hold nothing
 * worth freezing.
 */
function freezeBuiltin(value: unknown, members = false): void {
  if (!isObject(value)) return;
  ObjectFreeze(value);
  if (typeof value === 'function') {
    const prototype = (value as unknown as AnyObject)['prototype'];
    if (isObject(prototype)) ObjectFreeze(prototype);
  }
  if (!members) return;
  for (const key of ObjectGetOwnPropertyNames(value)) {
    const inner: unknown = ObjectGetOwnPropertyDescriptor(value, key)?.value;
    if (typeof inner === 'function' && isObject((inner as unknown as AnyObject)['prototype'])) {
      freezeBuiltin(inner);
    }
  }
}

export function harden(global: AnyObject): void {
  for (const name of REMOVED_GLOBALS) delete global[name];
  const atomics = global['Atomics'] as AnyObject | undefined;
  if (atomics) {
    // Without SharedArrayBuffer these only throw, but a blocking wait has no place in a sandbox.
    delete atomics['wait'];
    delete atomics['waitAsync'];
  }
  tameFunctionConstructors(global);
  for (const [ctorName, keys] of OVERRIDABLE) {
    const ctor = global[ctorName] as { prototype: AnyObject } | undefined;
    if (ctor) for (const key of keys) makeOverridable(ctor.prototype, key);
  }
  for (const name of LAZY_GLOBALS) freezeOnFirstAccess(global, name);
  for (const name of ObjectGetOwnPropertyNames(global)) {
    if (PLAIN_GLOBALS.has(name) || LAZY_GLOBALS.includes(name)) continue;
    const desc = ObjectGetOwnPropertyDescriptor(global, name);
    if (desc && 'value' in desc) freezeBuiltin(desc.value);
  }
  for (const value of hiddenIntrinsics()) freezeBuiltin(value);
}

/**
 * isolated-vm lets contexts compile strings (its code-generation callback allows them), so the
 * Function constructors reachable from any function (`f.constructor`, async / generator variants)
 * are replaced by one that always throws.
 */
function tameFunctionConstructors(global: AnyObject): void {
  const prototypes: readonly (readonly [string, object])[] = [
    ['Function', Function.prototype],
    ['AsyncFunction', ObjectGetPrototypeOf(async function () {}) as object],
    ['GeneratorFunction', ObjectGetPrototypeOf(function* () {}) as object],
    ['AsyncGeneratorFunction', ObjectGetPrototypeOf(async function* () {}) as object],
  ];
  for (const [name, prototype] of prototypes) {
    const tamed = function () {
      throw new EvalErrorCtor('Code generation from strings is not allowed');
    };
    ObjectDefineProperty(tamed, 'name', { value: name });
    ObjectDefineProperty(tamed, 'prototype', { value: prototype, writable: false });
    ObjectDefineProperty(prototype, 'constructor', { value: tamed });
    if (name === 'Function') ObjectDefineProperty(global, 'Function', { value: tamed });
    ObjectFreeze(tamed);
  }
}

function makeOverridable(target: AnyObject, key: string): void {
  const desc = ObjectGetOwnPropertyDescriptor(target, key);
  if (!desc || !('value' in desc) || !desc.writable) return;
  const value: unknown = desc.value;
  const get = function () {
    return value;
  };
  trustedGetters.add(get);
  ObjectDefineProperty(target, key, {
    get,
    set(this: unknown, next: unknown) {
      if (this === target) {
        throw new TypeErrorCtor(
          `Cannot assign to read only property '${key}' of a built-in prototype`,
        );
      }
      if (isObject(this)) {
        ObjectDefineProperty(this, key, {
          value: next,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      }
    },
    enumerable: desc.enumerable === true,
    configurable: false,
  });
}

/** A getter that freezes the namespace and its constructors, then restores a data property. */
function freezeOnFirstAccess(global: AnyObject, name: string): void {
  const desc = ObjectGetOwnPropertyDescriptor(global, name);
  if (!desc || !('value' in desc)) return;
  const value: unknown = desc.value;
  const restore = (next: unknown): void => {
    freezeBuiltin(value, true);
    ObjectDefineProperty(global, name, {
      value: next,
      writable: true,
      enumerable: false,
      configurable: true,
    });
  };
  ObjectDefineProperty(global, name, {
    get() {
      restore(value);
      return value;
    },
    set(next: unknown) {
      restore(next);
    },
    enumerable: false,
    configurable: true,
  });
}

/** Intrinsics that no global name reaches directly. */
function hiddenIntrinsics(): unknown[] {
  const asyncFunction = ObjectGetPrototypeOf(async function () {}) as AnyObject;
  const generatorFunction = ObjectGetPrototypeOf(function* () {}) as AnyObject;
  const asyncGeneratorFunction = ObjectGetPrototypeOf(async function* () {}) as AnyObject;
  const asyncGenerator = asyncGeneratorFunction['prototype'] as object;
  const arrayIterator = ObjectGetPrototypeOf([][Symbol.iterator]()) as object;
  return [
    ObjectGetPrototypeOf(Uint8Array), // %TypedArray%
    ObjectGetPrototypeOf(new MapCtor()[Symbol.iterator]()),
    ObjectGetPrototypeOf(new SetCtor()[Symbol.iterator]()),
    asyncFunction,
    generatorFunction,
    asyncGeneratorFunction,
    generatorFunction['prototype'],
    asyncGenerator,
    ObjectGetPrototypeOf(asyncGenerator),
    arrayIterator,
    ObjectGetPrototypeOf(arrayIterator),
    ObjectGetPrototypeOf(''[Symbol.iterator]()),
    ObjectGetPrototypeOf(/x/[Symbol.matchAll]('')),
  ];
}
