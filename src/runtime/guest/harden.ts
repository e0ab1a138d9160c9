// Locks down a context before user code runs: no code generation from strings, no WebAssembly /
// SharedArrayBuffer, no RegExp legacy statics, and every object reachable from the global object
// (built-ins, their prototypes, methods and accessors, the SDK globals, the intrinsics only syntax
// reaches) frozen. Nothing a script can reach is left mutable except the global object itself,
// whose own properties `snapshotGlobals` lets the guest compare before each run. That is what
// lets a context be reused for the next run of the same script (see index.ts): a run can leave
// nothing behind that the next one could see. ~700 objects, ~1–4 ms once per context.
import {
  EvalErrorCtor,
  MapCtor,
  ObjectDefineProperty,
  ObjectFreeze,
  ObjectGetOwnPropertyDescriptor,
  ObjectGetPrototypeOf,
  ObjectIs,
  ObjectIsExtensible,
  ObjectKeys,
  ReflectOwnKeys,
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

/**
 * RegExp's legacy static accessors (`RegExp.$1`, `RegExp.lastMatch` …) read the context's last
 * match: in a reused context they would hand one run's matched text to the next.
 */
const REGEXP_STATICS = [
  '$1',
  '$2',
  '$3',
  '$4',
  '$5',
  '$6',
  '$7',
  '$8',
  '$9',
  'input',
  '$_',
  'lastMatch',
  '$&',
  'lastParen',
  '$+',
  'leftContext',
  '$`',
  'rightContext',
  "$'",
];

/**
 * Data properties turned into accessors before freezing, so that assigning them on an *instance*
 * still works (`this.name = 'MyError'` in an Error subclass, `Child.prototype.constructor = Child`).
 * Without this, frozen prototypes make such ordinary assignments throw ("override mistake").
 */
const OVERRIDABLE: readonly (readonly [string, readonly string[]])[] = [
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

/** Removes what scripts must not have, defines `globals` (the guest's own), then freezes. */
export function harden(global: AnyObject, globals: Record<string, PropertyDescriptor>): void {
  for (const name of REMOVED_GLOBALS) delete global[name];
  for (const name of ObjectKeys(globals)) ObjectDefineProperty(global, name, globals[name]!);
  const atomics = global['Atomics'] as AnyObject | undefined;
  if (atomics) {
    // Without SharedArrayBuffer these only throw, but a blocking wait has no place in a sandbox.
    delete atomics['wait'];
    delete atomics['waitAsync'];
  }
  const regExp = global['RegExp'] as AnyObject | undefined;
  if (regExp) for (const name of REGEXP_STATICS) delete regExp[name];
  tameFunctionConstructors(global);
  for (const [ctorName, keys] of OVERRIDABLE) {
    const ctor = global[ctorName] as { prototype: AnyObject } | undefined;
    if (ctor) for (const key of keys) makeOverridable(ctor.prototype, key);
  }
  freezeReachable([global, ...hiddenIntrinsics()], global);
}

/**
 * Freezes every object reachable from `roots` through own properties (string and symbol keys,
 * data values and accessor functions) and prototypes, except `spared` (the global object).
 * Reads descriptors only: no getter runs.
 */
function freezeReachable(roots: readonly unknown[], spared: object): void {
  const seen = new SetCtor<object>();
  const stack: object[] = [];
  for (const root of roots) if (isObject(root)) stack.push(root);
  const visit = (value: unknown): void => {
    if (isObject(value) && !seen.has(value)) stack.push(value);
  };
  while (stack.length > 0) {
    const object = stack.pop()!;
    if (seen.has(object)) continue;
    seen.add(object);
    if (object !== spared) ObjectFreeze(object);
    visit(ObjectGetPrototypeOf(object));
    const isFunction = typeof object === 'function';
    for (const key of ReflectOwnKeys(object)) {
      // A function's own length and name are primitive data properties (a quarter of the keys).
      if (isFunction && (key === 'length' || key === 'name')) continue;
      const desc = ObjectGetOwnPropertyDescriptor(object, key);
      if (!desc) continue;
      visit(desc.value);
      visit(desc.get);
      visit(desc.set);
    }
  }
}

/** The global object's own properties and shape, to tell whether a run changed any of it. */
export interface GlobalsSnapshot {
  /** True when the global object is exactly as it was when the snapshot was taken. */
  unchanged(): boolean;
}

export function snapshotGlobals(global: AnyObject): GlobalsSnapshot {
  const prototype = ObjectGetPrototypeOf(global);
  const keys = ReflectOwnKeys(global);
  const descriptors = new MapCtor<PropertyKey, PropertyDescriptor>();
  for (const key of keys) descriptors.set(key, ObjectGetOwnPropertyDescriptor(global, key)!);
  const same = (a: PropertyDescriptor, b: PropertyDescriptor | undefined): boolean =>
    b !== undefined &&
    ObjectIs(a.value, b.value) &&
    a.get === b.get &&
    a.set === b.set &&
    a.writable === b.writable &&
    a.enumerable === b.enumerable &&
    a.configurable === b.configurable;
  return {
    unchanged() {
      if (!ObjectIsExtensible(global) || ObjectGetPrototypeOf(global) !== prototype) return false;
      // In order: deleting a global and defining it again as it was moves it to the end of the
      // key order, which would carry bits to the next run.
      const now = ReflectOwnKeys(global);
      if (now.length !== keys.length) return false;
      for (let i = 0; i < keys.length; i++) if (now[i] !== keys[i]) return false;
      for (const [key, before] of descriptors) {
        if (!same(before, ObjectGetOwnPropertyDescriptor(global, key))) return false;
      }
      return true;
    },
  };
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
    ...segmenterIntrinsics(),
  ];
}

/** %SegmentsPrototype% and %SegmentIteratorPrototype%: reachable only by calling Intl.Segmenter. */
function segmenterIntrinsics(): unknown[] {
  const Segmenter = (Intl as unknown as AnyObject)['Segmenter'] as
    (new () => { segment(text: string): Iterable<unknown> }) | undefined;
  if (typeof Segmenter !== 'function') return [];
  const segments = new Segmenter().segment('');
  return [ObjectGetPrototypeOf(segments), ObjectGetPrototypeOf(segments[Symbol.iterator]())];
}
