// Script status lifecycle (SPEC §2.2): which status changes are allowed and what each status permits.
//
// Exactly the SPEC's graph: draft → active ⇄ paused, active|paused → disabled, any → archived.
// Decision: `disabled` and `archived` are terminal apart from `disabled → archived`. SPEC lists no
// way back, and "disabled" is meant as a stop an operator can rely on (a script switched off for a
// reason stays off; to run that code again, create or restore it as a new script). Manual runs
// still work while disabled so authors can investigate.
import type { ScriptStatus } from './script.js';
import { STATUS_LABELS } from './script.js';

export const LIFECYCLE_ACTIONS = ['activate', 'pause', 'resume', 'disable', 'archive'] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

interface ActionRule {
  readonly from: readonly ScriptStatus[];
  readonly to: ScriptStatus;
  readonly label: string;
}

export const ACTION_RULES: Readonly<Record<LifecycleAction, ActionRule>> = Object.freeze({
  activate: { from: ['draft'], to: 'active', label: 'Activate' },
  pause: { from: ['active'], to: 'paused', label: 'Pause' },
  resume: { from: ['paused'], to: 'active', label: 'Resume' },
  disable: { from: ['active', 'paused'], to: 'disabled', label: 'Disable' },
  archive: { from: ['draft', 'active', 'paused', 'disabled'], to: 'archived', label: 'Archive' },
});

/** Statuses reachable from `status` in one step (never `status` itself). */
export function allowedTransitions(status: ScriptStatus): ScriptStatus[] {
  const out: ScriptStatus[] = [];
  for (const action of LIFECYCLE_ACTIONS) {
    const rule = ACTION_RULES[action];
    if (rule.from.includes(status) && !out.includes(rule.to)) out.push(rule.to);
  }
  return out;
}

/** True for a real one-step change; staying in the same status is not a transition. */
export function canTransition(from: ScriptStatus, to: ScriptStatus): boolean {
  return allowedTransitions(from).includes(to);
}

/** Actions offered in the UI for a script in `status`. */
export function availableActions(status: ScriptStatus): LifecycleAction[] {
  return LIFECYCLE_ACTIONS.filter((a) => ACTION_RULES[a].from.includes(status));
}

/** The status an action leads to, or null when the action is not allowed from `status`. */
export function applyAction(status: ScriptStatus, action: LifecycleAction): ScriptStatus | null {
  const rule = ACTION_RULES[action];
  return rule.from.includes(status) ? rule.to : null;
}

export function isLifecycleAction(value: unknown): value is LifecycleAction {
  return typeof value === 'string' && (LIFECYCLE_ACTIONS as readonly string[]).includes(value);
}

/**
 * For saves that carry a status (form or API update): unchanged is fine, otherwise the change must
 * be a transition. The message is written for the `status` field.
 */
export function checkStatusChange(
  from: ScriptStatus,
  to: ScriptStatus,
): { ok: true } | { ok: false; message: string } {
  if (from === to || canTransition(from, to)) return { ok: true };
  return {
    ok: false,
    message: `Status cannot change from ${STATUS_LABELS[from]} to ${STATUS_LABELS[to]}`,
  };
}

/** Cron, HTTP, event and embedded triggers fire only for active scripts. */
export function firesAutomatically(status: ScriptStatus): boolean {
  return status === 'active';
}

/** Manual runs are how authors test drafts: allowed in every status except archived. */
export function canRunManually(status: ScriptStatus): boolean {
  return status !== 'archived';
}
