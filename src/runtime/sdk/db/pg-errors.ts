// Turns PostgreSQL errors from script statements into SdkErrors with safe messages: the server's
// primary message only (no detail, hint, query text, file or line), which names the script's own
// tables and columns. Connection and server failures are not the script's fault: they stay errors.
import pg from 'pg';
import { SdkError } from '../sdk-error.js';

const MAX_MESSAGE = 300;

export function formatDuration(ms: number): string {
  return ms >= 1000 && ms % 100 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** SQLSTATEs that mean "the database or connection failed", not "the statement was wrong". */
function isInfrastructure(code: string): boolean {
  return (
    code.startsWith('08') || // connection exception
    code.startsWith('57P') || // admin/crash shutdown, cannot connect now
    code.startsWith('58') || // system error (I/O)
    code.startsWith('XX') || // internal error
    code.startsWith('F0') || // configuration file error
    code === '53300' // too many connections
  );
}

/** The SdkError for a failed statement, or null when the error is not the script's doing. */
export function toSdkError(err: unknown, statementTimeoutMs: number): SdkError | null {
  if (err instanceof SdkError) return err;
  if (!(err instanceof pg.DatabaseError) || typeof err.code !== 'string') return null;
  const code = err.code;
  if (code === '57014') {
    return new SdkError(
      'QUERY_TIMEOUT',
      `Query timeout - statement exceeded ${formatDuration(statementTimeoutMs)}`,
    );
  }
  if (isInfrastructure(code)) return null;
  const raw =
    err.message.length > MAX_MESSAGE ? `${err.message.slice(0, MAX_MESSAGE)}…` : err.message;
  // 42501 is both "permission denied for …" (the gate should have refused it) and an RLS
  // WITH CHECK failure (a row for another tenant), which is an ordinary statement error.
  if (code === '42501' && !raw.includes('row-level security')) {
    return new SdkError('UNAUTHORIZED_SQL', `Unauthorized operation - ${raw}`);
  }
  return new SdkError('SQL_ERROR', `SQL error - ${raw}`);
}
