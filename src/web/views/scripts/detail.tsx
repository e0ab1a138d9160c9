// Script page: details, read-only source, trigger configuration, limits, lifecycle actions.
import type { Child } from 'hono/jsx';
import type { Principal } from '../../../auth/principal.js';
import { describeCron } from '../../../domain/cron.js';
import { ACTION_RULES, availableActions } from '../../../domain/lifecycle.js';
import { can } from '../../../domain/permissions.js';
import {
  HTTP_AUTH_LABELS,
  LANGUAGE_LABELS,
  LIMIT_KEYS,
  LIMIT_RANGES,
} from '../../../domain/script.js';
import type { ScheduleInfo } from '../../../store/routing-tables.js';
import type { Script } from '../../../store/scripts.js';
import { CsrfField, Time } from '../components.js';
import { Layout } from '../layout.js';
import { StatusBadge, TypeBadge } from './badges.js';

/** A moment as wall-clock time in the script's time zone, e.g. "2026-11-29 02:00 Europe/Berlin". */
function localTime(d: Date, timeZone: string): string {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return `${f.format(d).replace(',', '')} ${timeZone}`;
}

export function LifecycleActions(props: { script: Script; principal: Principal }) {
  const p = props.principal;
  if (!can(p.role, 'scripts.update')) return null;
  return (
    <>
      {availableActions(props.script.status).map((action) => (
        <form method="post" action={`/scripts/${props.script.id}/status`} class="inline">
          <CsrfField token={p.csrfToken} />
          <input type="hidden" name="action" value={action} />
          <button
            type="submit"
            class={action === 'archive' || action === 'disable' ? 'danger' : undefined}
            aria-label={`${ACTION_RULES[action].label} script ${props.script.name}`}
            {...(action === 'archive'
              ? {
                  'hx-post': `/scripts/${props.script.id}/status`,
                  'hx-confirm': `Archive "${props.script.name}"? Archived scripts never run again.`,
                }
              : {})}
          >
            {ACTION_RULES[action].label}
          </button>
        </form>
      ))}
    </>
  );
}

function TriggerDetails(props: { s: Script; schedule: ScheduleInfo | null; tenantSlug: string }) {
  const { s } = props;
  switch (s.type) {
    case 'scheduled':
      return (
        <dl class="props">
          <dt>Schedule</dt>
          <dd>
            <code>{s.cronExpression}</code>{' '}
            <span class="muted">({describeCron(s.cronExpression ?? '')})</span>
          </dd>
          <dt>Timezone</dt>
          <dd>{s.timezone}</dd>
          <dt>Next run</dt>
          <dd id="next-run">
            {props.schedule?.nextRunAt ? (
              <>
                <Time value={props.schedule.nextRunAt} />
                {s.timezone !== 'UTC' ? (
                  <span class="muted"> · {localTime(props.schedule.nextRunAt, s.timezone)}</span>
                ) : null}
              </>
            ) : (
              <span class="muted">Not scheduled (script is not active)</span>
            )}
          </dd>
          <dt>Last run</dt>
          <dd>
            {props.schedule?.lastRunAt ? (
              <>
                <Time value={props.schedule.lastRunAt} />{' '}
                {props.schedule.lastRunStatus ? `(${props.schedule.lastRunStatus})` : null}
              </>
            ) : (
              <span class="muted">Never</span>
            )}
          </dd>
        </dl>
      );
    case 'http':
      return (
        <dl class="props">
          <dt>Endpoint</dt>
          <dd>
            <code>
              {s.httpMethods.join('|')} /hooks/{props.tenantSlug}
              {s.httpPath}
            </code>
          </dd>
          <dt>Authentication</dt>
          <dd>{HTTP_AUTH_LABELS[s.httpAuth]}</dd>
        </dl>
      );
    case 'event':
      return (
        <dl class="props">
          <dt>Event types</dt>
          <dd>
            {s.eventTypes.map((t) => (
              <code class="tag">{t} </code>
            ))}
          </dd>
        </dl>
      );
    case 'embedded':
      return (
        <dl class="props">
          <dt>Invoke</dt>
          <dd>
            <code>POST /api/v1/scripts/{s.name}/invoke</code> or{' '}
            <code>
              runtime.invoke('{props.tenantSlug}', '{s.name}', input)
            </code>
          </dd>
        </dl>
      );
    default:
      return <p class="muted">Runs when you execute it (manually or through the API).</p>;
  }
}

export function ScriptDetailPage(props: {
  script: Script;
  principal: Principal;
  schedule: ScheduleInfo | null;
  flash?: string | null;
  executions?: Child;
}) {
  const { script: s, principal: p } = props;
  return (
    <Layout title={s.name} principal={p} section="scripts" flash={props.flash} editor>
      <div class="page-header">
        <div>
          <h1>{s.name}</h1>
          <div class="badges">
            <TypeBadge type={s.type} /> <StatusBadge status={s.status} />{' '}
            <span class="muted">Version {s.version}</span>
          </div>
        </div>
        <div class="page-actions">
          {can(p.role, 'scripts.update') ? (
            <a
              class="button primary"
              href={`/scripts/${s.id}/edit`}
              aria-label={`Edit script ${s.name}`}
            >
              Edit
            </a>
          ) : null}
          <a class="button" href={`/scripts/${s.id}/versions`}>
            Versions
          </a>
          <LifecycleActions script={s} principal={p} />
          {can(p.role, 'scripts.delete') ? (
            <form method="post" action={`/scripts/${s.id}`} class="inline">
              <CsrfField token={p.csrfToken} />
              <input type="hidden" name="_method" value="DELETE" />
              <button
                type="submit"
                class="danger"
                aria-label={`Delete script ${s.name}`}
                hx-delete={`/scripts/${s.id}`}
                hx-confirm={`Delete script "${s.name}"? Its versions, executions and schedules are deleted too. This cannot be undone.`}
              >
                Delete
              </button>
            </form>
          ) : null}
        </div>
      </div>
      {s.description ? <p class="description">{s.description}</p> : null}
      <div class="grid-2">
        <div class="card">
          <h2>Source</h2>
          <div
            class="code-editor readonly"
            data-editor
            data-language={s.language}
            data-readonly="true"
            data-target="source-view"
          ></div>
          <textarea id="source-view" class="source-fallback" readonly aria-label="Script source">
            {s.source}
          </textarea>
        </div>
        <div>
          <div class="card">
            <h2>Trigger</h2>
            <TriggerDetails s={s} schedule={props.schedule} tenantSlug={p.tenantSlug} />
          </div>
          <div class="card">
            <h2>Details</h2>
            <dl class="props">
              <dt>Language</dt>
              <dd>{LANGUAGE_LABELS[s.language]}</dd>
              <dt>Created</dt>
              <dd>
                <Time value={s.createdAt} />
              </dd>
              <dt>Updated</dt>
              <dd>
                <Time value={s.updatedAt} />
              </dd>
              <dt>Tags</dt>
              <dd>{s.tags.length ? s.tags.join(', ') : <span class="muted">None</span>}</dd>
              <dt>ID</dt>
              <dd>
                <code>{s.id}</code>
              </dd>
            </dl>
          </div>
          <div class="card">
            <h2>Limits</h2>
            <dl class="props" id="limits">
              {LIMIT_KEYS.map((k) => (
                <>
                  <dt>{LIMIT_RANGES[k].label}</dt>
                  <dd>{s.limits[k].toLocaleString('en')}</dd>
                </>
              ))}
            </dl>
          </div>
        </div>
      </div>
      {props.executions ?? null}
    </Layout>
  );
}
