import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScriptForm, validateScriptInput } from './script-validation.js';
import type { ScriptValidationResult } from './script-validation.js';
import { DEFAULT_LIMITS } from './script.js';
import type { ScriptInput } from './script.js';

const base = { name: 'Nightly report', source: 'return 1;', type: 'oneoff' };

function errorsOf(result: ScriptValidationResult): Record<string, string> {
  assert.equal(result.ok, false, 'expected validation errors');
  return result.ok ? {} : result.fields;
}

function valueOf(result: ScriptValidationResult): ScriptInput {
  if (!result.ok) assert.fail(`unexpected errors: ${JSON.stringify(result.fields)}`);
  return result.value;
}

const create = (raw: unknown): ScriptValidationResult =>
  validateScriptInput(raw, { mode: 'create' });

void test('a minimal script gets every default', () => {
  const v = valueOf(create(base));
  assert.deepEqual(v, {
    name: 'Nightly report',
    description: '',
    source: 'return 1;',
    language: 'javascript',
    type: 'oneoff',
    status: 'draft',
    cronExpression: null,
    timezone: 'UTC',
    httpPath: null,
    httpMethods: [],
    httpAuth: 'token',
    eventTypes: [],
    limits: DEFAULT_LIMITS,
    tags: [],
  });
  assert.deepEqual(DEFAULT_LIMITS, {
    maxExecutionTimeMs: 30000,
    maxMemoryBytes: 67108864,
    maxConcurrentRuns: 5,
    maxApiCallsPerMinute: 60,
    maxOutputSizeBytes: 1048576,
  });
});

void test('name rules and messages', () => {
  assert.equal(errorsOf(create({ ...base, name: undefined })).name, 'Name is required');
  assert.equal(errorsOf(create({ ...base, name: '   ' })).name, 'Name is required');
  assert.equal(
    errorsOf(create({ ...base, name: 'ab' })).name,
    'Name must be at least 3 characters',
  );
  assert.equal(
    errorsOf(create({ ...base, name: 'x'.repeat(101) })).name,
    'Name must not exceed 100 characters',
  );
  assert.equal(valueOf(create({ ...base, name: 'x'.repeat(100) })).name, 'x'.repeat(100));
  assert.equal(valueOf(create({ ...base, name: '  abc  ' })).name, 'abc');
  // Characters, not UTF-16 units: three emoji are three characters.
  assert.equal(valueOf(create({ ...base, name: '🙂🙂🙂' })).name, '🙂🙂🙂');
  assert.equal(errorsOf(create({ ...base, name: 42 })).name, 'Name must be text');
  assert.match(errorsOf(create({ ...base, name: 'a\nbc' })).name ?? '', /control characters/);
  assert.match(
    errorsOf(create({ ...base, name: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' })).name ?? '',
    /script id/,
  );
});

void test('description and source', () => {
  assert.equal(
    errorsOf(create({ ...base, description: 'd'.repeat(501) })).description,
    'Description must not exceed 500 characters',
  );
  assert.equal(valueOf(create({ ...base, description: null })).description, '');
  assert.equal(errorsOf(create({ ...base, source: '' })).source, 'Source is required');
  assert.equal(errorsOf(create({ ...base, source: ' \n\t ' })).source, 'Source is required');
  assert.equal(errorsOf(create({ ...base, source: undefined })).source, 'Source is required');
  // 100 KB in UTF-8 bytes: 102400 ASCII bytes pass, one more fails; a 3-byte char counts as 3.
  assert.equal(valueOf(create({ ...base, source: 'x'.repeat(102400) })).source.length, 102400);
  assert.equal(
    errorsOf(create({ ...base, source: 'x'.repeat(102401) })).source,
    'Source must not exceed 100 KB',
  );
  assert.equal(
    errorsOf(create({ ...base, source: '€'.repeat(34134) })).source, // 102402 bytes, 34134 chars
    'Source must not exceed 100 KB',
  );
  const kept = '  // leading space\r\nreturn 1;\n\n';
  assert.equal(valueOf(create({ ...base, source: kept })).source, kept);
});

void test('enums: type required, language/status defaults, unknown values listed', () => {
  assert.equal(errorsOf(create({ ...base, type: undefined })).type, 'Type is required');
  assert.equal(errorsOf(create({ ...base, type: '' })).type, 'Type is required');
  assert.equal(
    errorsOf(create({ ...base, type: 'manual' })).type,
    'Type must be one of scheduled, http, event, oneoff, embedded',
  );
  assert.equal(
    errorsOf(create({ ...base, language: 'python' })).language,
    'Language must be one of javascript, typescript',
  );
  assert.equal(
    errorsOf(create({ ...base, status: 'running' })).status,
    'Status must be one of draft, active, paused, disabled, archived',
  );
  const v = valueOf(
    create({ ...base, type: 'Embedded', language: 'TypeScript', status: 'ACTIVE' }),
  );
  assert.equal(v.type, 'embedded');
  assert.equal(v.language, 'typescript');
  assert.equal(v.status, 'active');
});

void test('scheduled scripts need a valid cron expression and time zone', () => {
  const s = { ...base, type: 'scheduled' };
  assert.equal(errorsOf(create(s)).cronExpression, 'Cron expression is required');
  for (const bad of ['* * * * * *', '61 * * * *', 'every day', '@reboot']) {
    assert.equal(
      errorsOf(create({ ...s, cronExpression: bad })).cronExpression,
      'Invalid cron expression. Format: minute hour day month weekday',
      bad,
    );
  }
  const v = valueOf(create({ ...s, cronExpression: ' 0  2 * * mon ', timezone: 'europe/berlin' }));
  assert.equal(v.cronExpression, '0 2 * * MON');
  assert.equal(v.timezone, 'Europe/Berlin');
  assert.equal(valueOf(create({ ...s, cronExpression: '@Daily' })).cronExpression, '@daily');
  assert.equal(valueOf(create({ ...s, cronExpression: '@hourly', timezone: '' })).timezone, 'UTC');
  for (const tz of ['Mars/Phobos', '+01:00', 42]) {
    assert.equal(
      errorsOf(create({ ...s, cronExpression: '@hourly', timezone: tz })).timezone,
      'Timezone must be a valid IANA time zone',
    );
  }
});

void test('http scripts need a path and methods', () => {
  const h = { ...base, type: 'http' };
  const e = errorsOf(create(h));
  assert.equal(e.httpPath, 'HTTP path is required');
  assert.equal(e.httpMethods, 'Select at least one HTTP method');
  assert.equal(
    errorsOf(create({ ...h, httpPath: 'orders', httpMethods: ['GET'] })).httpPath,
    'HTTP path must start with /',
  );
  for (const bad of ['/orders?x=1', '/orders/{id}', '/ord ers', '/a/b:c', '/a/:1x', '/a/:', '/é']) {
    assert.equal(
      errorsOf(create({ ...h, httpPath: bad, httpMethods: ['GET'] })).httpPath,
      'HTTP path may only contain letters, digits, / _ . - and :param segments',
      bad,
    );
  }
  for (const bad of ['/a//b', '/a/../b', '/./a']) {
    assert.match(
      errorsOf(create({ ...h, httpPath: bad, httpMethods: ['GET'] })).httpPath ?? '',
      /segments/,
    );
  }
  assert.match(
    errorsOf(create({ ...h, httpPath: '/a/:id/b/:id', httpMethods: ['GET'] })).httpPath ?? '',
    /repeats the parameter :id/,
  );
  assert.match(
    errorsOf(create({ ...h, httpPath: '/' + 'a'.repeat(200), httpMethods: ['GET'] })).httpPath ??
      '',
    /must not exceed 200 characters/,
  );
  const v = valueOf(
    create({
      ...h,
      httpPath: '/orders/:orderId/items.v2_x-y/',
      httpMethods: ['post', 'GET', 'get'],
      httpAuth: 'public',
    }),
  );
  assert.equal(v.httpPath, '/orders/:orderId/items.v2_x-y');
  assert.deepEqual(v.httpMethods, ['GET', 'POST']);
  assert.equal(v.httpAuth, 'public');
  assert.equal(valueOf(create({ ...h, httpPath: '/', httpMethods: 'GET,PUT' })).httpPath, '/');
  assert.deepEqual(valueOf(create({ ...h, httpPath: '/', httpMethods: 'GET,PUT' })).httpMethods, [
    'GET',
    'PUT',
  ]);
  assert.match(
    errorsOf(create({ ...h, httpPath: '/x', httpMethods: ['GET', 'TRACE'] })).httpMethods ?? '',
    /TRACE/,
  );
  assert.equal(
    errorsOf(create({ ...h, httpPath: '/x', httpMethods: ['GET'], httpAuth: 'none' })).httpAuth,
    'HTTP auth must be one of token, public',
  );
});

void test('event scripts need valid event types', () => {
  const ev = { ...base, type: 'event' };
  assert.equal(errorsOf(create(ev)).eventTypes, 'Select at least one event type');
  assert.equal(
    errorsOf(create({ ...ev, eventTypes: [] })).eventTypes,
    'Select at least one event type',
  );
  const bad = errorsOf(
    create({ ...ev, eventTypes: ['orders.order.created', 'Orders.created', 'x'] }),
  );
  assert.match(bad.eventTypes ?? '', /^Event type must look like module\.entity\.action/);
  assert.match(bad.eventTypes ?? '', /"Orders\.created", "x"$/);
  assert.doesNotMatch(bad.eventTypes ?? '', /orders\.order\.created/);
  const v = valueOf(
    create({ ...ev, eventTypes: 'orders.order.created, crm.client.updated\norders.order.created' }),
  );
  assert.deepEqual(v.eventTypes, ['orders.order.created', 'crm.client.updated']);
  assert.match(
    errorsOf(create({ ...ev, eventTypes: Array.from({ length: 51 }, (_, i) => `a.b.c${i}`) }))
      .eventTypes ?? '',
    /must not exceed 50/,
  );
  assert.equal(
    errorsOf(create({ ...ev, eventTypes: [1, 2] })).eventTypes,
    'Event types must be a list of text',
  );
});

void test('type-specific fields are cleared for other types', () => {
  const v = valueOf(
    create({
      ...base,
      type: 'embedded',
      cronExpression: 'not even valid',
      timezone: 'Nowhere/Land',
      httpPath: 'bad path',
      httpMethods: ['NOPE'],
      httpAuth: 'public',
      eventTypes: ['Bad'],
    }),
  );
  assert.equal(v.cronExpression, null);
  assert.equal(v.timezone, 'UTC');
  assert.equal(v.httpPath, null);
  assert.deepEqual(v.httpMethods, []);
  assert.equal(v.httpAuth, 'token');
  assert.deepEqual(v.eventTypes, []);
});

void test('limits: ranges, numeric strings, whole numbers, defaults', () => {
  const e = errorsOf(
    create({
      ...base,
      limits: {
        maxExecutionTimeMs: 999,
        maxMemoryBytes: 8 * 1024 * 1024 - 1,
        maxConcurrentRuns: 21,
        maxApiCallsPerMinute: 0,
        maxOutputSizeBytes: 10485761,
      },
    }),
  );
  assert.deepEqual(e, {
    'limits.maxExecutionTimeMs': 'Max execution time (ms) must be between 1000 and 300000',
    'limits.maxMemoryBytes': 'Max memory (bytes) must be between 8388608 and 536870912',
    'limits.maxConcurrentRuns': 'Max concurrent runs must be between 1 and 20',
    'limits.maxApiCallsPerMinute': 'Max API calls per minute must be between 1 and 300',
    'limits.maxOutputSizeBytes': 'Max output size (bytes) must be between 1024 and 10485760',
  });
  const v = valueOf(
    create({
      ...base,
      limits: {
        maxExecutionTimeMs: '300000',
        maxMemoryBytes: ' 8388608 ',
        maxConcurrentRuns: 1,
        maxApiCallsPerMinute: '',
        maxOutputSizeBytes: 10485760,
      },
    }),
  );
  assert.deepEqual(v.limits, {
    maxExecutionTimeMs: 300000,
    maxMemoryBytes: 8388608,
    maxConcurrentRuns: 1,
    maxApiCallsPerMinute: 60,
    maxOutputSizeBytes: 10485760,
  });
  for (const bad of ['abc', '2.5', 2.5, true, '1e3', [5], Infinity]) {
    assert.equal(
      errorsOf(create({ ...base, limits: { maxConcurrentRuns: bad } }))['limits.maxConcurrentRuns'],
      'Max concurrent runs must be a whole number between 1 and 20',
      String(bad),
    );
  }
  assert.equal(errorsOf(create({ ...base, limits: 5 })).limits, 'Limits must be an object');
});

void test('tags', () => {
  assert.deepEqual(valueOf(create({ ...base, tags: ' billing, nightly,,billing ' })).tags, [
    'billing',
    'nightly',
  ]);
  assert.deepEqual(valueOf(create({ ...base, tags: ['a', ' b ', ''] })).tags, ['a', 'b']);
  assert.match(
    errorsOf(create({ ...base, tags: Array.from({ length: 21 }, (_, i) => `t${i}`) })).tags ?? '',
    /must not exceed 20/,
  );
  assert.equal(
    errorsOf(create({ ...base, tags: ['x'.repeat(51)] })).tags,
    'Each tag must not exceed 50 characters',
  );
  assert.match(errorsOf(create({ ...base, tags: ['a,b'] })).tags ?? '', /commas/);
  assert.equal(errorsOf(create({ ...base, tags: [1] })).tags, 'Tags must be a list of text');
});

void test('change note', () => {
  const r = create({ ...base, changeNote: '  fix totals  ' });
  assert.ok(r.ok);
  assert.equal(r.changeNote, 'fix totals');
  assert.equal(
    errorsOf(create({ ...base, changeNote: 'n'.repeat(501) })).changeNote,
    'Change note must not exceed 500 characters',
  );
});

void test('every error is reported at once; non-objects are refused', () => {
  const e = errorsOf(create({ type: 'http', limits: { maxConcurrentRuns: 0 } }));
  assert.deepEqual(Object.keys(e).sort(), [
    'httpMethods',
    'httpPath',
    'limits.maxConcurrentRuns',
    'name',
    'source',
  ]);
  for (const raw of [null, 'x', [base], 5]) assert.ok('body' in errorsOf(create(raw)));
});

void test('update mode keeps absent fields from the current script', () => {
  const current = valueOf(
    create({
      ...base,
      type: 'scheduled',
      cronExpression: '0 2 * * *',
      timezone: 'Europe/Berlin',
      status: 'active',
      limits: { maxConcurrentRuns: 3 },
      tags: ['nightly'],
    }),
  );
  const partial = validateScriptInput(
    { source: 'return 2;', limits: { maxExecutionTimeMs: 5000 } },
    { mode: 'update', current },
  );
  const v = valueOf(partial);
  assert.equal(v.source, 'return 2;');
  assert.equal(v.name, 'Nightly report');
  assert.equal(v.status, 'active');
  assert.equal(v.cronExpression, '0 2 * * *');
  assert.equal(v.timezone, 'Europe/Berlin');
  assert.deepEqual(v.tags, ['nightly']);
  assert.equal(v.limits.maxConcurrentRuns, 3);
  assert.equal(v.limits.maxExecutionTimeMs, 5000);
  // A value that is sent is taken as sent.
  assert.equal(
    errorsOf(validateScriptInput({ name: '' }, { mode: 'update', current })).name,
    'Name is required',
  );
  // Switching type needs the new type's fields and drops the old ones.
  const switched = validateScriptInput({ type: 'http' }, { mode: 'update', current });
  assert.equal(errorsOf(switched).httpPath, 'HTTP path is required');
  const http = valueOf(
    validateScriptInput(
      { type: 'http', httpPath: '/x', httpMethods: ['GET'] },
      { mode: 'update', current },
    ),
  );
  assert.equal(http.cronExpression, null);
  assert.equal(http.timezone, 'UTC');
  // Create mode never reads `current`.
  assert.equal(
    errorsOf(validateScriptInput({ source: 'x' }, { mode: 'create', current })).name,
    'Name is required',
  );
});

void test('parseScriptForm maps form names to the JSON shape', () => {
  const raw = parseScriptForm({
    Name: 'Order hook',
    Description: 'Handles orders',
    Source: 'const a = 1;\r\nreturn a;\r\n',
    Language: 'typescript',
    Type: 'http',
    Status: 'active',
    CronExpression: '',
    Timezone: 'UTC',
    HTTPPath: '/orders/:id',
    HTTPMethods: ['GET', 'POST'],
    HTTPAuth: 'public',
    EventTypes: '',
    MaxExecutionTimeMs: '10000',
    MaxMemoryBytes: '',
    MaxConcurrentRuns: '2',
    MaxAPICallsPerMinute: '100',
    MaxOutputSizeBytes: '2048',
    Tags: 'orders, hooks',
    ChangeNote: 'first',
  });
  const r = validateScriptInput(raw, { mode: 'create' });
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.changeNote, 'first');
  assert.deepEqual(r.value, {
    name: 'Order hook',
    description: 'Handles orders',
    source: 'const a = 1;\nreturn a;\n',
    language: 'typescript',
    type: 'http',
    status: 'active',
    cronExpression: null,
    timezone: 'UTC',
    httpPath: '/orders/:id',
    httpMethods: ['GET', 'POST'],
    httpAuth: 'public',
    eventTypes: [],
    limits: {
      maxExecutionTimeMs: 10000,
      maxMemoryBytes: 67108864,
      maxConcurrentRuns: 2,
      maxApiCallsPerMinute: 100,
      maxOutputSizeBytes: 2048,
    },
    tags: ['orders', 'hooks'],
  });
});

void test('parseScriptForm: multi-value and separated event types, absent checkboxes, [] names', () => {
  const ev = parseScriptForm({
    Name: 'Sync',
    Source: 'return 1',
    Type: 'event',
    EventTypes: [
      'orders.order.created,orders.order.updated',
      'crm.client.created\ncrm.client.deleted',
    ],
  });
  assert.deepEqual(ev['eventTypes'], [
    'orders.order.created',
    'orders.order.updated',
    'crm.client.created',
    'crm.client.deleted',
  ]);
  assert.equal(ev['status'], undefined);
  const http = parseScriptForm({ Name: 'Hook', Source: 'return 1', Type: 'http', HTTPPath: '/x' });
  assert.deepEqual(http['httpMethods'], []);
  assert.equal(
    errorsOf(validateScriptInput(http, { mode: 'create' })).httpMethods,
    'Select at least one HTTP method',
  );
  assert.deepEqual(parseScriptForm({ 'HTTPMethods[]': ['PUT', 'PATCH'] })['httpMethods'], [
    'PUT',
    'PATCH',
  ]);
  assert.deepEqual(parseScriptForm({ HTTPMethods: 'DELETE' })['httpMethods'], ['DELETE']);
  const form = parseScriptForm({ Name: ['First', 'Second'] });
  assert.equal(form['name'], 'First');
  assert.equal(form['tags'], undefined);
});
