// Unit tests of the SQL gate (no database): what passes, what is refused and with which message.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createSqlGate, INJECTION_MESSAGE, type GateVerdict } from './sql-gate.js';

const gate = createSqlGate();
before(() => gate.ready());

const ALLOWED: [sql: string, command: string][] = [
  ['SELECT * FROM clients', 'select'],
  ['SELECT id, name FROM tenant_data.clients WHERE id = $1', 'select'],
  ['TABLE clients', 'select'],
  ['VALUES (1, true), (2, false)', 'select'],
  [
    `SELECT c.name, o.total, p.amount FROM clients c
       JOIN orders o ON o.client_id = c.id
       LEFT JOIN payments p ON p.order_id = o.id
       FULL OUTER JOIN products pr ON pr.id = o.id
       CROSS JOIN LATERAL (SELECT count(*) AS n FROM payments WHERE order_id = o.id) pc
      WHERE c.email ILIKE $1 AND o.status = ANY($2) AND o.created_at BETWEEN $3 AND $4`,
    'select',
  ],
  [
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1),
          big AS MATERIALIZED (SELECT * FROM orders WHERE total > $2)
     SELECT i, (SELECT count(*) FROM big) FROM n`,
    'select',
  ],
  [
    `SELECT client_id, sum(total) AS revenue, count(*) FILTER (WHERE status = $1) AS open,
            avg(total)::numeric(10, 2), string_agg(notes, $2 ORDER BY id), array_agg(DISTINCT status),
            jsonb_agg(jsonb_build_object($3::text, id)), percentile_cont(0.5) WITHIN GROUP (ORDER BY total)
       FROM orders GROUP BY ROLLUP (client_id) HAVING sum(total) > $4 ORDER BY 2 DESC NULLS LAST`,
    'select',
  ],
  [
    `SELECT id, rank() OVER w, lag(total, 1) OVER w, sum(total) OVER (PARTITION BY client_id
            ORDER BY created_at ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
       FROM orders WINDOW w AS (PARTITION BY client_id ORDER BY created_at)`,
    'select',
  ],
  [
    `SELECT extract(year FROM created_at), date_trunc($1, created_at), created_at AT TIME ZONE $2,
            substring(name FROM 1 FOR 3), trim(BOTH FROM name), position($3 IN name), overlay(name PLACING $4 FROM 1),
            coalesce(email, $5), nullif(phone, $6), greatest(1, 2), least(1, 2),
            CASE WHEN $7::boolean THEN 1 ELSE 0 END, now(), current_date, current_timestamp, localtimestamp,
            gen_random_uuid(), lower(name), upper(name), length(name), round(2.5), abs(-1),
            to_char(created_at, $8), pg_typeof(id), metadata ->> $9, metadata @> $10::jsonb,
            jsonb_array_length(metadata -> $11), id IS DISTINCT FROM $12, name ~* $13, name SIMILAR TO $14
       FROM clients`,
    'select',
  ],
  ['SELECT * FROM generate_series(1, $1) AS g(n)', 'select'],
  [
    'SELECT * FROM clients WHERE EXISTS (SELECT 1 FROM orders WHERE orders.client_id = clients.id)',
    'select',
  ],
  ['SELECT id FROM clients UNION SELECT id FROM products EXCEPT SELECT $1::bigint', 'select'],
  ['SELECT * FROM clients ORDER BY $1 LIMIT $2 OFFSET $3', 'select'],
  ['SELECT * FROM clients FETCH FIRST 10 ROWS ONLY', 'select'],
  ['SELECT * FROM products TABLESAMPLE SYSTEM (10)', 'select'],
  ['SELECT ARRAY[1, 2, 3], ROW(1, 2), (ARRAY[$1::int])[1]', 'select'],
  ['SELECT 1 AS one, -2.5 AS neg, true, false, NULL, 1e10', 'select'],
  ['SELECT "name" FROM "clients"', 'select'],
  ['SELECT c.version, c.user_name FROM clients c', 'select'],
  ['INSERT INTO clients (name, email) VALUES ($1, $2) RETURNING *', 'insert'],
  ['INSERT INTO clients (name) VALUES ($1), ($2) RETURNING id, tenant_id', 'insert'],
  ['INSERT INTO clients (name) SELECT name FROM clients WHERE id = $1', 'insert'],
  ['INSERT INTO clients DEFAULT VALUES', 'insert'],
  [
    `INSERT INTO products (sku, name, price) VALUES ($1, $2, $3)
     ON CONFLICT (tenant_id, sku) DO UPDATE SET price = EXCLUDED.price, updated_at = now()
     RETURNING id`,
    'insert',
  ],
  ['INSERT INTO products (sku, name, price) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', 'insert'],
  ['UPDATE clients SET name = $1, metadata = metadata || $2::jsonb WHERE id = $3', 'update'],
  [
    'UPDATE orders o SET total = s.sum FROM (SELECT order_id, sum(amount) AS sum FROM payments GROUP BY order_id) s WHERE s.order_id = o.id RETURNING o.id',
    'update',
  ],
  ['UPDATE products SET (price, stock) = ($1, $2) WHERE id = $3', 'update'],
  ['DELETE FROM payments p USING orders o WHERE p.order_id = o.id AND o.status = $1', 'delete'],
  ['DELETE FROM clients WHERE id = $1 RETURNING *', 'delete'],
  [
    'WITH gone AS (DELETE FROM orders WHERE status = $1 RETURNING id) SELECT count(*) FROM gone',
    'select',
  ],
  [
    'WITH moved AS (UPDATE orders SET status = $1 RETURNING *) INSERT INTO payments (order_id, amount) SELECT id, total FROM moved',
    'insert',
  ],
  ['/* leading comment */ SELECT 1 -- trailing comment', 'select'],
  ['SELECT 1;', 'select'],
];

const REFUSED: [sql: string, message: string][] = [
  ['SELECT 1; SELECT 2', 'multiple statements are not allowed'],
  [
    'CREATE TABLE t (id int)',
    'CREATE statements are not allowed (only SELECT, INSERT, UPDATE, DELETE)',
  ],
  ['DROP TABLE clients', 'DROP statements are not allowed (only SELECT, INSERT, UPDATE, DELETE)'],
  [
    'GRANT SELECT ON clients TO PUBLIC',
    'GRANT statements are not allowed (only SELECT, INSERT, UPDATE, DELETE)',
  ],
  ['SET ROLE postgres', 'SET statements are not allowed (only SELECT, INSERT, UPDATE, DELETE)'],
  ['RESET ROLE', 'RESET statements are not allowed (only SELECT, INSERT, UPDATE, DELETE)'],
  ['SHOW ALL', 'SHOW statements are not allowed (only SELECT, INSERT, UPDATE, DELETE)'],
  [
    'COPY clients TO STDOUT',
    'COPY statements are not allowed (only SELECT, INSERT, UPDATE, DELETE)',
  ],
  ['DO $$ BEGIN END $$', 'DO statements are not allowed (only SELECT, INSERT, UPDATE, DELETE)'],
  [
    'MERGE INTO clients c USING products p ON c.id = p.id WHEN MATCHED THEN DELETE',
    'MERGE statements are not allowed (only SELECT, INSERT, UPDATE, DELETE)',
  ],
  [
    'WITH m AS (MERGE INTO clients c USING products p ON c.id = p.id WHEN MATCHED THEN DELETE RETURNING c.id) SELECT * FROM m',
    'MERGE statements are not allowed',
  ],
  ['SELECT set_config($1, $2, true)', 'function set_config() is not allowed'],
  [
    'SELECT * FROM clients WHERE id = (SELECT length(set_config($1, $2, true)))',
    'function set_config() is not allowed',
  ],
  [
    'SELECT * FROM clients ORDER BY (SELECT set_config($1, $2, true))',
    'function set_config() is not allowed',
  ],
  ['UPDATE clients SET name = set_config($1, $2, true)', 'function set_config() is not allowed'],
  [
    'INSERT INTO clients (name) VALUES ($1) RETURNING set_config($2, $3, true)',
    'function set_config() is not allowed',
  ],
  [
    'SELECT count(*) FILTER (WHERE set_config($1, $2, true) IS NULL) FROM clients',
    'function set_config() is not allowed',
  ],
  ['SELECT * FROM set_config($1, $2, true)', 'function set_config() is not allowed'],
  ['SELECT "set_config"($1, $2, true)', 'function set_config() is not allowed'],
  ['SELECT pg_catalog.set_config($1, $2, true)', 'function set_config() is not allowed'],
  ['SELECT pg_catalog.now()', 'schema pg_catalog is not allowed'],
  ['SELECT "pg_catalog".now()', 'schema pg_catalog is not allowed'],
  ['SELECT $1::pg_catalog.int4', 'schema pg_catalog is not allowed'],
  ['SELECT * FROM U&"pg\\005fclass"', 'system catalog pg_class is not allowed'],
  ['SELECT U&"\\0070g_catalog".now()', 'Unicode-escaped identifiers (U&"…") are not allowed'],
  ['SELECT public.f()', 'function public.f() is not allowed'],
  ['SELECT current_setting($1)', 'function current_setting() is not allowed'],
  ['SELECT pg_sleep(1)', 'function pg_sleep() is not allowed'],
  ['SELECT pg_sleep_for($1::interval)', 'function pg_sleep_for() is not allowed'],
  ['SELECT pg_advisory_xact_lock(1)', 'function pg_advisory_xact_lock() is not allowed'],
  ['SELECT pg_ls_dir($1)', 'function pg_ls_dir() is not allowed'],
  ['SELECT pg_cancel_backend(1)', 'function pg_cancel_backend() is not allowed'],
  ['SELECT pg_relation_size($1)', 'function pg_relation_size() is not allowed'],
  ['SELECT lo_get(1)', 'function lo_get() is not allowed'],
  ['SELECT loread(1, 1)', 'function loread() is not allowed'],
  ['SELECT dblink_exec($1)', 'function dblink_exec() is not allowed'],
  ['SELECT table_to_xml($1, true, true, $2)', 'function table_to_xml() is not allowed'],
  ['SELECT ts_stat($1)', 'function ts_stat() is not allowed'],
  ['SELECT setseed(0.5)', 'function setseed() is not allowed'],
  ['SELECT lastval()', 'function lastval() is not allowed'],
  ['SELECT has_table_privilege($1, $2)', 'function has_table_privilege() is not allowed'],
  ['SELECT to_regclass($1)', 'function to_regclass() is not allowed'],
  ['SELECT version()', 'function version() is not allowed'],
  ['SELECT current_database()', 'function current_database() is not allowed'],
  ['SELECT session_user', 'SESSION_USER is not allowed'],
  ['SELECT current_schema', 'CURRENT_SCHEMA is not allowed'],
  ['SELECT system_user', 'function system_user() is not allowed'],
  ['SELECT c.pg_column_size FROM clients c', 'field or function pg_column_size is not allowed'],
  ['SELECT (c).pg_column_size FROM clients c', 'field or function pg_column_size is not allowed'],
  ['SELECT $1::regclass', 'type regclass is not allowed'],
  ['SELECT CAST($1 AS pg_catalog.regproc)', 'type regproc is not allowed'],
  ['SELECT $1::public.mood', 'type public.mood is not allowed'],
  ['SELECT 1 OPERATOR(public.+) 2', 'operator public.+ is not allowed'],
  ['SELECT * FROM pg_catalog.pg_authid', 'system catalog pg_catalog.pg_authid is not allowed'],
  ['SELECT * FROM pg_stat_activity', 'system catalog pg_stat_activity is not allowed'],
  [
    'SELECT * FROM information_schema.columns',
    'system catalog information_schema.columns is not allowed',
  ],
  ['SELECT * FROM pg_toast.pg_toast_1', 'system catalog pg_toast.pg_toast_1 is not allowed'],
  ['SELECT * FROM public.tenants', 'schema public is not allowed (only tenant_data tables)'],
  [
    'SELECT * FROM graphile_worker.jobs',
    'schema graphile_worker is not allowed (only tenant_data tables)',
  ],
  [
    'SELECT * FROM otherdb.tenant_data.clients',
    'cross-database reference otherdb.tenant_data.clients is not allowed',
  ],
  [
    'SELECT * FROM clients WHERE id IN (SELECT user_id FROM public.sessions)',
    'schema public is not allowed (only tenant_data tables)',
  ],
  ['WITH x AS (SELECT * FROM pg_roles) SELECT * FROM x', 'system catalog pg_roles is not allowed'],
  [
    'INSERT INTO public.audit_log (action) VALUES ($1)',
    'schema public is not allowed (only tenant_data tables)',
  ],
  ['DELETE FROM public.users', 'schema public is not allowed (only tenant_data tables)'],
  ['SELECT * FROM clients FOR UPDATE', 'locking clause FOR UPDATE is not allowed'],
  [
    'SELECT * FROM clients FOR NO KEY UPDATE SKIP LOCKED',
    'locking clause FOR NO KEY UPDATE is not allowed',
  ],
  ['SELECT * FROM clients FOR SHARE', 'locking clause FOR SHARE is not allowed'],
  ['SELECT * FROM clients FOR KEY SHARE NOWAIT', 'locking clause FOR KEY SHARE is not allowed'],
  [
    'SELECT * FROM (SELECT * FROM clients FOR UPDATE) c',
    'locking clause FOR UPDATE is not allowed',
  ],
  ['SELECT * INTO TEMP copy FROM clients', 'SELECT INTO is not allowed'],
  [
    'INSERT INTO clients (id, name) OVERRIDING SYSTEM VALUE VALUES (1, $1)',
    'OVERRIDING SYSTEM VALUE is not allowed',
  ],
];

function refused(verdict: GateVerdict): { code: string; message: string } {
  assert.equal(verdict.ok, false);
  return verdict as { code: string; message: string };
}

void describe('SQL gate: allowed statements', () => {
  for (const [sql, command] of ALLOWED) {
    void it(sql.replace(/\s+/g, ' ').slice(0, 90), () => {
      assert.deepEqual(gate.check(sql), { ok: true, command });
    });
  }
});

void describe('SQL gate: refused statements', () => {
  for (const [sql, message] of REFUSED) {
    void it(sql.slice(0, 90), () => {
      assert.deepEqual(gate.check(sql), {
        ok: false,
        code: 'UNAUTHORIZED_SQL',
        message: `Unauthorized operation - ${message}`,
      });
    });
  }
});

void describe('SQL gate: string literals', () => {
  const literals = [
    `SELECT 'x'`,
    `SELECT ''`,
    `SELECT 'x'::text`,
    `SELECT E'\\n'`,
    `SELECT e'x'`,
    'SELECT $$x$$',
    'SELECT $fn$x$fn$',
    `SELECT B'1010'`,
    `SELECT X'1F'`,
    `SELECT U&'d\\0061t\\+000061'`,
    `SELECT N'x'`,
    `SELECT date '2024-01-01'`,
    `SELECT interval '1' day`,
    `SELECT * FROM clients WHERE name = $1 OR name = 'x'`,
    `SELECT * FROM clients WHERE id IN (SELECT id FROM orders WHERE notes LIKE '%x%')`,
    `UPDATE clients SET metadata = metadata || '{"a":1}'`,
    `SELECT metadata->>'key' FROM clients`,
  ];
  for (const sql of literals) {
    void it(sql, () => {
      assert.deepEqual(gate.check(sql), {
        ok: false,
        code: 'SQL_INJECTION',
        message: INJECTION_MESSAGE,
      });
    });
  }

  void it('refuses the operation before complaining about literals', () => {
    assert.equal(
      refused(gate.check(`SELECT set_config('app.tenant_id', 'x', false)`)).code,
      'UNAUTHORIZED_SQL',
    );
    assert.equal(refused(gate.check(`SET search_path = 'public'`)).code, 'UNAUTHORIZED_SQL');
  });

  void it('keywords the parser turns into strings are not literals', () => {
    assert.equal(
      gate.check('SELECT extract(epoch FROM now()), "quoted ident" FROM clients').ok,
      true,
    );
  });
});

void describe('SQL gate: malformed input', () => {
  void it('syntax errors carry the parser message', () => {
    assert.deepEqual(gate.check('SELEC 1'), {
      ok: false,
      code: 'SQL_ERROR',
      message: 'Syntax error at or near "SELEC"',
    });
    assert.match(
      refused(gate.check(`SELECT 'unterminated`)).message,
      /^Unterminated quoted string/,
    );
  });

  void it('empty and comment-only input', () => {
    for (const sql of ['', '   ', '-- nothing', ';']) {
      const v = refused(gate.check(sql));
      assert.equal(v.code, 'SQL_ERROR', sql);
      assert.match(v.message, /^Empty query/);
    }
  });

  void it('overlong SQL is refused without parsing', () => {
    const v = refused(createSqlGate({ maxSqlLength: 50 }).check(`SELECT ${'1 + '.repeat(20)}1`));
    assert.equal(v.code, 'SQL_ERROR');
    assert.match(v.message, /too long/);
  });

  void it('deeply nested statements get a verdict, not a crash', () => {
    const depth = 3000;
    const sql = `SELECT ${'('.repeat(depth)}1${')'.repeat(depth)}`;
    const v = gate.check(sql);
    assert.ok(v.ok || v.code === 'SQL_ERROR', JSON.stringify(v));
    const tooDeep = `SELECT ${'('.repeat(20000)}1${')'.repeat(20000)}`;
    assert.equal(refused(gate.check(tooDeep)).code, 'SQL_ERROR');
    const nested = `SELECT * FROM clients WHERE id IN ${'(SELECT id FROM clients WHERE id IN '.repeat(50)}(SELECT set_config($1, $2, true))${')'.repeat(50)}`;
    assert.equal(refused(gate.check(nested)).code, 'UNAUTHORIZED_SQL');
  });
});

void describe('SQL gate: cache', () => {
  void it('returns the cached verdict for the same text', () => {
    const g = createSqlGate({ cacheChars: 1000 });
    return g.ready().then(() => {
      const first = g.check('SELECT * FROM clients WHERE id = $1');
      assert.equal(g.check('SELECT * FROM clients WHERE id = $1'), first);
      const bad = g.check('SELECT pg_sleep(1)');
      assert.equal(g.check('SELECT pg_sleep(1)'), bad);
    });
  });
});
