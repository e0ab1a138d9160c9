// Unit tests of sdk.db parameter validation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SdkError } from '../sdk-error.js';
import { toPgParams } from './params.js';

const invalidArgument = (fn: () => unknown, message: RegExp): void => {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SdkError);
    assert.equal(err.code, 'INVALID_ARGUMENT');
    assert.match(err.message, message);
    return true;
  });
};

void describe('toPgParams', () => {
  void it('passes scalars through and treats missing params as none', () => {
    assert.deepEqual(toPgParams(undefined), []);
    assert.deepEqual(toPgParams(null), []);
    assert.deepEqual(toPgParams(['a', 1, 2.5, -0, true, null, undefined]), [
      'a',
      1,
      2.5,
      -0,
      true,
      null,
      null,
    ]);
  });

  void it('arrays of scalars become PostgreSQL arrays, structured values JSON text', () => {
    assert.deepEqual(toPgParams([[1, 2, 3], [['a'], ['b']], []]), [[1, 2, 3], [['a'], ['b']], []]);
    assert.deepEqual(toPgParams([{ a: [1, { b: null }] }]), ['{"a":[1,{"b":null}]}']);
    assert.deepEqual(toPgParams([[{ sku: 'x' }, 2]]), ['[{"sku":"x"},2]']);
  });

  void it('refuses what is not JSON', () => {
    invalidArgument(() => toPgParams('x'), /params must be an array/);
    invalidArgument(() => toPgParams([Number.NaN]), /params\[0\] must be a finite number/);
    invalidArgument(() => toPgParams([1, [Infinity]]), /params\[1\]\[0\] must be a finite number/);
    invalidArgument(() => toPgParams([10n]), /params\[0\] must be a string/);
    invalidArgument(() => toPgParams([Symbol('s')]), /params\[0\]/);
    invalidArgument(() => toPgParams([() => 1]), /params\[0\]/);
    invalidArgument(() => toPgParams([{ toPostgres: () => 'DROP' }]), /not serialisable as JSON/);
    invalidArgument(() => toPgParams([{ big: 1n }]), /not serialisable as JSON/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    invalidArgument(() => toPgParams([cyclic]), /not serialisable as JSON/);
  });

  void it('limits the number of parameters', () => {
    assert.equal(toPgParams(new Array(100).fill(1)).length, 100);
    invalidArgument(() => toPgParams(new Array(101).fill(1)), /at most 100 parameters/);
    invalidArgument(() => toPgParams([1, 2, 3], 2), /at most 2 parameters/);
  });
});
