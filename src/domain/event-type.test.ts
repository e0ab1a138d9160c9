import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_TYPE_MAX_LENGTH, isValidEventType, matchesEventType } from './event-type.js';

void test('accepts module.entity.action names, including the service’s own events', () => {
  for (const t of [
    'orders.order.created',
    'crm.client_contact.updated',
    'a.b.c',
    'billing.invoice2.paid_v2',
    'jsruntime.script.created',
    'jsruntime.script.status_changed',
    'jsruntime.execution.timeout',
  ]) {
    assert.equal(isValidEventType(t), true, t);
  }
});

void test('rejects anything else', () => {
  for (const t of [
    '',
    'orders.created',
    'orders.order.created.extra',
    'Orders.order.created',
    'orders.Order.created',
    'orders.order.Created',
    '1orders.order.created',
    'orders._order.created',
    'orders..created',
    '.orders.order',
    'orders.order.',
    'orders.order-item.created',
    'orders.order.created ',
    ' orders.order.created',
    'orders.order.créé',
    'orders.order.created\n',
    'orders/order/created',
  ]) {
    assert.equal(isValidEventType(t), false, JSON.stringify(t));
  }
  for (const v of [null, undefined, 42, ['a.b.c'], { type: 'a.b.c' }]) {
    assert.equal(isValidEventType(v), false);
  }
});

void test('caps the total length', () => {
  const part = 'a'.repeat(84);
  const ok = `${part}.${part}.${part}`; // 254 characters
  assert.equal(ok.length, 254);
  assert.equal(isValidEventType(ok), true);
  const tooLong = `${part}a.${part}.${part}`;
  assert.equal(tooLong.length, EVENT_TYPE_MAX_LENGTH);
  assert.equal(isValidEventType(tooLong), true);
  assert.equal(isValidEventType(`${part}aa.${part}.${part}`), false);
});

void test('matching is exact equality', () => {
  assert.equal(matchesEventType('orders.order.created', 'orders.order.created'), true);
  assert.equal(matchesEventType('orders.order.created', 'orders.order.updated'), false);
  assert.equal(matchesEventType('orders.order.*', 'orders.order.created'), false);
});
