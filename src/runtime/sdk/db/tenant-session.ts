// Opens the transaction a script statement runs in: as the restricted role, with the tenant set
// for row-level security, a statement timeout and tenant_data as the only searched schema.
// Everything is LOCAL, so it ends with the transaction and the pooled connection comes back clean.
import type pg from 'pg';
import { SCRIPT_ROLE, TENANT_DATA_SCHEMA } from '../../../store/tenant-data-check.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TenantSessionOptions {
  readonly tenantId: string;
  /** Whole milliseconds, at least 1. */
  readonly statementTimeoutMs: number;
}

export async function beginTenantTransaction(
  client: pg.ClientBase,
  { tenantId, statementTimeoutMs }: TenantSessionOptions,
): Promise<void> {
  // Both come from the service, never from the script; still, neither may reach SQL malformed.
  if (!UUID.test(tenantId)) throw new Error(`tenantId is not a UUID: ${JSON.stringify(tenantId)}`);
  if (!Number.isSafeInteger(statementTimeoutMs) || statementTimeoutMs < 1) {
    throw new Error(`invalid statement timeout ${statementTimeoutMs}`);
  }
  // pg_temp goes last explicitly: otherwise it is searched first for relations.
  await client.query(
    `BEGIN; SET LOCAL ROLE ${SCRIPT_ROLE}; ` +
      `SET LOCAL search_path = ${TENANT_DATA_SCHEMA}, pg_temp; ` +
      `SET LOCAL statement_timeout = ${statementTimeoutMs}`,
  );
  await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
}
