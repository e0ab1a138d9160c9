// Math.random for scripts: xoshiro128** reseeded by the host at the start of every run. V8's own
// generator keeps its state (and a cache of 64 values) per context, so in a context that serves
// several runs one run could pass bits to the next through how many values it drew.
import { MathImul, NumberParseInt, ObjectDefineProperty } from './intrinsics.js';

export interface GuestRandom {
  /** The function installed as Math.random. */
  readonly random: () => number;
  /** 32 hex digits (128 bits) from the host. */
  readonly reseed: (seedHex: string) => void;
}

export function createRandom(): GuestRandom {
  let a = 1;
  let b = 2;
  let c = 3;
  let d = 4;
  const next32 = (): number => {
    const result = MathImul(rotl(MathImul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  // `random` is a method-shaped function (no prototype, not a constructor), like the built-in.
  const { random } = {
    random(): number {
      // 53 random bits: 27 from one draw, 26 from the next.
      return ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
    },
  };
  ObjectDefineProperty(random, 'name', { value: 'random' });
  return {
    random,
    reseed(seedHex) {
      a = NumberParseInt(seedHex.slice(0, 8), 16) | 0;
      b = NumberParseInt(seedHex.slice(8, 16), 16) | 0;
      c = NumberParseInt(seedHex.slice(16, 24), 16) | 0;
      d = NumberParseInt(seedHex.slice(24, 32), 16) | 0;
      // An all-zero state would only ever produce zeros.
      if ((a | b | c | d) === 0) a = 1;
      // Discard the first outputs, which mix the seed in.
      for (let i = 0; i < 8; i++) next32();
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
