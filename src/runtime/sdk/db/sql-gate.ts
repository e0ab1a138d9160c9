// The SQL gate: parses script SQL with PostgreSQL's own parser (libpg-query) and lets through
// exactly one SELECT/INSERT/UPDATE/DELETE whose whole tree passes sql-rules and which carries no
// string literals. Verdicts are values, cached by SQL text.
import { loadModule, parseSync, scanSync, SqlError } from 'libpg-query';
import { LRUCache } from 'lru-cache';
import {
  checkFieldName,
  checkFunctionName,
  checkOperatorName,
  checkRelation,
  checkSqlValueFunction,
  checkTypeName,
} from './sql-rules.js';

export type SqlCommand = 'select' | 'insert' | 'update' | 'delete';

export type GateVerdict =
  | { readonly ok: true; readonly command: SqlCommand }
  | {
      readonly ok: false;
      readonly code: 'UNAUTHORIZED_SQL' | 'SQL_INJECTION' | 'SQL_ERROR';
      readonly message: string;
    };

export interface SqlGateOptions {
  /** Total characters of SQL text kept in the verdict cache. */
  cacheChars?: number;
  /** Longer SQL is refused before parsing. */
  maxSqlLength?: number;
}

export interface SqlGate {
  /** Resolves once the WASM parser is loaded; check() needs it. */
  ready(): Promise<void>;
  check(sql: string): GateVerdict;
}

export const INJECTION_MESSAGE =
  'SQL injection detected - use $1, $2 … parameters instead of string literals';

const TOP_LEVEL: Record<string, SqlCommand> = {
  SelectStmt: 'select',
  InsertStmt: 'insert',
  UpdateStmt: 'update',
  DeleteStmt: 'delete',
};

const unauthorized = (what: string): GateVerdict => ({
  ok: false,
  code: 'UNAUTHORIZED_SQL',
  message: `Unauthorized operation - ${what}`,
});

const sqlError = (message: string): GateVerdict => ({ ok: false, code: 'SQL_ERROR', message });

const LOCK_STRENGTH: Record<string, string> = {
  LCS_FORKEYSHARE: 'FOR KEY SHARE',
  LCS_FORSHARE: 'FOR SHARE',
  LCS_FORNOKEYUPDATE: 'FOR NO KEY UPDATE',
  LCS_FORUPDATE: 'FOR UPDATE',
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: Json | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Identifier list as the parser emits it: [{ String: { sval } }, …]. */
function names(list: Json | undefined): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((item) => {
    const s = isObject(item) && isObject(item.String) ? item.String.sval : undefined;
    return typeof s === 'string' ? s : '';
  });
}

/**
 * Visits every object in the tree (iteratively: a deeply nested statement must not overflow the
 * stack). Checks go by node wrapper key (`{ FuncCall: {...} }`) and by node shape, because the
 * JSON leaves some typed fields unwrapped (InsertStmt.relation is a bare RangeVar).
 */
function checkTree(root: Json): string | null {
  const stack: Json[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (const child of node) stack.push(child);
      continue;
    }
    if (!isObject(node)) continue;
    const problem = checkNode(node);
    if (problem) return problem;
    for (const child of Object.values(node)) {
      if (typeof child === 'object' && child !== null) stack.push(child);
    }
  }
  return null;
}

function checkNode(node: JsonObject): string | null {
  for (const [key, value] of Object.entries(node)) {
    // Statement wrappers below the top: only DML (CTEs, INSERT … SELECT); MERGE and the rest no.
    if (/^[A-Z]\w*Stmt$/.test(key) && !(key in TOP_LEVEL)) {
      return `${key.replace(/Stmt$/, '').toUpperCase()} statements are not allowed`;
    }
    if (key === 'lockingClause' || key === 'LockingClause') {
      const first = Array.isArray(value) ? value[0] : value;
      const clause = isObject(first) && isObject(first.LockingClause) ? first.LockingClause : first;
      const strength = isObject(clause) ? String(clause.strength) : '';
      return `locking clause ${LOCK_STRENGTH[strength] ?? 'FOR UPDATE/SHARE'} is not allowed`;
    }
    if (key === 'intoClause' || key === 'IntoClause') return 'SELECT INTO is not allowed';
    if (key === 'CurrentOfExpr') return 'WHERE CURRENT OF is not allowed';
    if (key === 'override' && value === 'OVERRIDING_SYSTEM_VALUE') {
      return 'OVERRIDING SYSTEM VALUE is not allowed';
    }
    if (key === 'ColumnRef' && isObject(value)) {
      for (const field of names(value.fields).slice(1)) {
        const problem = checkFieldName(field);
        if (problem) return problem;
      }
    }
    if (key === 'A_Indirection' && isObject(value)) {
      for (const field of names(value.indirection)) {
        const problem = checkFieldName(field);
        if (problem) return problem;
      }
    }
    if (key === 'A_Expr' && isObject(value)) {
      const problem = checkOperatorName(names(value.name));
      if (problem) return problem;
    }
    if (key === 'SQLValueFunction' && isObject(value)) {
      const problem = checkSqlValueFunction(String(value.op));
      if (problem) return problem;
    }
  }
  // Shapes: FuncCall (also bare), RangeVar (often bare), TypeName (usually bare).
  if (Array.isArray(node.funcname)) {
    const problem = checkFunctionName(names(node.funcname));
    if (problem) return problem;
  }
  if (typeof node.relname === 'string') {
    const catalog = typeof node.catalogname === 'string' ? node.catalogname : undefined;
    const schema = typeof node.schemaname === 'string' ? node.schemaname : undefined;
    const problem = checkRelation(catalog, schema, node.relname);
    if (problem) return problem;
  }
  if (Array.isArray(node.names) && 'typemod' in node) {
    const problem = checkTypeName(names(node.names));
    if (problem) return problem;
  }
  return null;
}

interface TokenTypes {
  /** String constants: '…', E'…', $$…$$, U&'…', B'…', X'…'. */
  readonly strings: ReadonlySet<number>;
  /** Unicode-escaped identifiers U&"…", whose text is not the name they spell. */
  readonly unicodeIdent: number;
}

/** Token type numbers differ between parser versions: learn them from the scanner itself. */
let tokenTypes: TokenTypes | null = null;

function learnTokenTypes(): TokenTypes {
  const strings = scanSync(`SELECT 'a', E'b', $$c$$, U&'d', B'1', X'f'`).tokens;
  const uident = scanSync('SELECT U&"a"').tokens[1];
  if (!uident) throw new Error('libpg-query scanner did not tokenize U&"a"');
  return {
    strings: new Set(strings.filter((t) => /^[EUBX$&']/i.test(t.text)).map((t) => t.tokenType)),
    unicodeIdent: uident.tokenType,
  };
}

/**
 * Checks on the token stream, after the tree checks. Writing pg_catalog is refused outright, so
 * every pg_catalog-qualified call or type left in the tree is one the parser generated for SQL
 * syntax (EXTRACT, SIMILAR TO, AT TIME ZONE, `int` → pg_catalog.int4 …).
 */
function checkTokens(sql: string): GateVerdict | null {
  tokenTypes ??= learnTokenTypes();
  const types = tokenTypes;
  const tokens = scanSync(sql).tokens;
  for (const t of tokens) {
    if (t.tokenType === types.unicodeIdent) {
      return unauthorized('Unicode-escaped identifiers (U&"…") are not allowed');
    }
    if (t.text.replace(/"/g, '').toLowerCase() === 'pg_catalog') {
      return unauthorized('schema pg_catalog is not allowed');
    }
  }
  if (tokens.some((t) => types.strings.has(t.tokenType))) {
    return { ok: false, code: 'SQL_INJECTION', message: INJECTION_MESSAGE };
  }
  return null;
}

/** The parser's own message (`syntax error at or near "x"`, `unterminated quoted string …`). */
function parseErrorMessage(err: SqlError): string {
  const raw = err.message.length > 200 ? `${err.message.slice(0, 200)}…` : err.message;
  return raw ? raw.charAt(0).toUpperCase() + raw.slice(1) : 'Syntax error';
}

/** The first keyword of a refused statement, for the message (`CREATE`, `COPY`, `SET`, …). */
function leadingKeyword(sql: string, fallback: string): string {
  try {
    const first = scanSync(sql).tokens.find(
      (t) => t.tokenName !== 'SQL_COMMENT' && t.tokenName !== 'C_COMMENT',
    );
    if (first && first.keywordName !== 'NO_KEYWORD' && /^[a-z_]+$/i.test(first.text)) {
      const kw = first.text.toUpperCase();
      if (kw !== 'WITH' && kw !== 'SELECT') return kw;
    }
  } catch {
    // fall through: the node name is good enough
  }
  return fallback;
}

const EMPTY_MESSAGE = 'Empty query - one SELECT, INSERT, UPDATE or DELETE statement is required';

function evaluate(sql: string): GateVerdict {
  if (sql.trim() === '') return sqlError(EMPTY_MESSAGE);
  let stmts: { stmt?: unknown }[];
  try {
    stmts = parseSync(sql).stmts as { stmt?: unknown }[];
  } catch (err) {
    if (err instanceof SqlError) return sqlError(parseErrorMessage(err));
    throw err;
  }
  if (stmts.length === 0) return sqlError(EMPTY_MESSAGE);
  if (stmts.length > 1) return unauthorized('multiple statements are not allowed');

  const stmt = stmts[0]?.stmt as Json;
  const kind = isObject(stmt) ? Object.keys(stmt)[0] : undefined;
  const command = kind !== undefined ? TOP_LEVEL[kind] : undefined;
  if (!kind || !command) {
    const label = leadingKeyword(sql, (kind ?? 'unknown').replace(/Stmt$/, '').toUpperCase());
    return unauthorized(
      `${label} statements are not allowed (only SELECT, INSERT, UPDATE, DELETE)`,
    );
  }
  const problem = checkTree(stmt);
  if (problem) return unauthorized(problem);
  return checkTokens(sql) ?? { ok: true, command };
}

export function createSqlGate(options: SqlGateOptions = {}): SqlGate {
  const { cacheChars = 4_000_000, maxSqlLength = 100_000 } = options;
  const cache = new LRUCache<string, GateVerdict>({
    maxSize: cacheChars,
    sizeCalculation: (_v, key) => Math.max(1, key.length),
  });
  let loaded: Promise<void> | null = null;
  return {
    ready() {
      loaded ??= loadModule();
      return loaded;
    },
    check(sql) {
      if (sql.length > maxSqlLength) {
        return sqlError(`Query too long - at most ${maxSqlLength} characters`);
      }
      const cached = cache.get(sql);
      if (cached) return cached;
      let verdict: GateVerdict;
      try {
        verdict = evaluate(sql);
      } catch (err) {
        // The walk is iterative, but the WASM parser and JSON decoding can still give up on
        // pathological input; that is the script's problem, not a service bug.
        if (err instanceof RangeError) return sqlError('Query too complex to check');
        throw err;
      }
      cache.set(sql, verdict);
      return verdict;
    },
  };
}
