import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allowedTransitions,
  applyAction,
  availableActions,
  canRunManually,
  canTransition,
  checkStatusChange,
  firesAutomatically,
  isLifecycleAction,
} from './lifecycle.js';
import { SCRIPT_STATUSES } from './script.js';
import type { ScriptStatus } from './script.js';

void test('the transition table is exactly SPEC §2.2', () => {
  const expected: Record<ScriptStatus, ScriptStatus[]> = {
    draft: ['active', 'archived'],
    active: ['paused', 'disabled', 'archived'],
    paused: ['active', 'disabled', 'archived'],
    disabled: ['archived'],
    archived: [],
  };
  for (const from of SCRIPT_STATUSES) {
    assert.deepEqual([...allowedTransitions(from)].sort(), [...expected[from]].sort(), from);
    for (const to of SCRIPT_STATUSES) {
      assert.equal(canTransition(from, to), expected[from].includes(to), `${from} → ${to}`);
    }
  }
});

void test('no status transitions to itself, disabled does not come back', () => {
  for (const s of SCRIPT_STATUSES) assert.equal(canTransition(s, s), false);
  assert.equal(canTransition('disabled', 'active'), false);
  assert.equal(canTransition('disabled', 'paused'), false);
  assert.equal(canTransition('archived', 'draft'), false);
  assert.equal(canTransition('draft', 'paused'), false);
  assert.equal(canTransition('draft', 'disabled'), false);
});

void test('actions map statuses as named', () => {
  assert.equal(applyAction('draft', 'activate'), 'active');
  assert.equal(applyAction('active', 'pause'), 'paused');
  assert.equal(applyAction('paused', 'resume'), 'active');
  assert.equal(applyAction('active', 'disable'), 'disabled');
  assert.equal(applyAction('paused', 'disable'), 'disabled');
  for (const s of ['draft', 'active', 'paused', 'disabled'] as const) {
    assert.equal(applyAction(s, 'archive'), 'archived');
  }
  assert.equal(applyAction('archived', 'archive'), null);
  assert.equal(applyAction('paused', 'activate'), null);
  assert.equal(applyAction('draft', 'resume'), null);
  assert.equal(applyAction('draft', 'pause'), null);
  assert.equal(applyAction('disabled', 'resume'), null);
  assert.deepEqual(availableActions('draft'), ['activate', 'archive']);
  assert.deepEqual(availableActions('active'), ['pause', 'disable', 'archive']);
  assert.deepEqual(availableActions('paused'), ['resume', 'disable', 'archive']);
  assert.deepEqual(availableActions('disabled'), ['archive']);
  assert.deepEqual(availableActions('archived'), []);
  assert.equal(isLifecycleAction('pause'), true);
  assert.equal(isLifecycleAction('delete'), false);
});

void test('checkStatusChange allows unchanged status and explains refusals', () => {
  assert.deepEqual(checkStatusChange('paused', 'paused'), { ok: true });
  assert.deepEqual(checkStatusChange('draft', 'active'), { ok: true });
  assert.deepEqual(checkStatusChange('disabled', 'active'), {
    ok: false,
    message: 'Status cannot change from Disabled to Active',
  });
});

void test('only active scripts fire automatically; all but archived run manually', () => {
  for (const s of SCRIPT_STATUSES) {
    assert.equal(firesAutomatically(s), s === 'active', s);
    assert.equal(canRunManually(s), s !== 'archived', s);
  }
});
