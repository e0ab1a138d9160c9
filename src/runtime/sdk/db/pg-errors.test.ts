// Unit tests of the PostgreSQL error → SdkError mapping.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { SdkError } from '../sdk-error.js';
import { formatDuration, toSdkError } from './pg-errors.js';

function dbError(code: string, message: string): pg.DatabaseError {
  const err = new pg.DatabaseError(message, message.length, 'error');
  err.code = code;
  err.detail = 'Key (tenant_id)=(secret) is not present';
  err.where = 'SQL function "internal" statement 1';
  err.internalQuery = 'SELECT secret';
  return err;
}

void describe('toSdkError', () => {
  void it('statement timeout → QUERY_TIMEOUT with the configured duration', () => {
    const err = toSdkError(dbError('57014', 'canceling statement due to statement timeout'), 5000);
    assert.ok(err instanceof SdkError);
    assert.equal(err.code, 'QUERY_TIMEOUT');
    assert.equal(err.message, 'Query timeout - statement exceeded 5 s');
    assert.equal(formatDuration(300), '300 ms');
    assert.equal(formatDuration(2500), '2.5 s');
  });

  void it('statement errors → SQL_ERROR with the primary message only', () => {
    for (const [code, message] of [
      ['42703', 'column "nope" does not exist'],
      ['23505', 'duplicate key value violates unique constraint "products_tenant_id_sku_key"'],
      ['42501', 'new row violates row-level security policy for table "clients"'],
      ['25P02', 'current transaction is aborted, commands ignored until end of transaction block'],
      ['40P01', 'deadlock detected'],
    ] as const) {
      const err = toSdkError(dbError(code, message), 5000);
      assert.equal(err?.code, 'SQL_ERROR');
      assert.equal(err?.message, `SQL error - ${message}`);
      assert.doesNotMatch(err?.message ?? '', /secret|internal/);
    }
  });

  void it('privilege errors → UNAUTHORIZED_SQL', () => {
    const err = toSdkError(dbError('42501', 'permission denied for table users'), 5000);
    assert.equal(err?.code, 'UNAUTHORIZED_SQL');
    assert.equal(err?.message, 'Unauthorized operation - permission denied for table users');
  });

  void it('long messages are cut', () => {
    const err = toSdkError(
      dbError('22P02', `invalid input syntax for type uuid: "${'x'.repeat(1000)}"`),
      5000,
    );
    assert.ok((err?.message.length ?? 0) < 350);
  });

  void it('connection and server failures are not script errors', () => {
    assert.equal(
      toSdkError(dbError('57P01', 'terminating connection due to administrator command'), 5000),
      null,
    );
    assert.equal(toSdkError(dbError('08006', 'connection failure'), 5000), null);
    assert.equal(toSdkError(dbError('XX000', 'internal error'), 5000), null);
    assert.equal(toSdkError(new Error('Connection terminated unexpectedly'), 5000), null);
    const sdk = new SdkError('ROW_LIMIT', 'x');
    assert.equal(toSdkError(sdk, 5000), sdk);
  });
});
