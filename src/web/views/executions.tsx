// Executions in the UI: execute form, history rows (polled while something is pending or
// running), the execution page, and dead letters.
import type { Principal } from '../../auth/principal.js';
import { can } from '../../domain/permissions.js';
import type { DeadLetter } from '../../store/dead-letters.js';
import type { ExecutionRow } from '../../store/executions.js';
import { CsrfField, Time } from './components.js';
import { Layout } from './layout.js';
import { ExecutionBadge } from './scripts/badges.js';

const ACTIVE = new Set(['pending', 'running']);

function duration(e: ExecutionRow): string {
  const ms = e.metrics?.durationMs;
  if (typeof ms === 'number')
    return ms < 1000 ? `${Math.round(ms * 10) / 10} ms` : `${(ms / 1000).toFixed(2)} s`;
  return '—';
}

const TRIGGER_LABELS: Record<string, string> = {
  manual: 'Manual',
  api: 'API',
  cron: 'Schedule',
  http: 'HTTP',
  event: 'Event',
};

export function ExecutionRowView(props: { e: ExecutionRow; principal: Principal }) {
  const { e, principal: p } = props;
  return (
    <tr id={`execution-${e.id}`} class={`execution-row status-${e.status}`}>
      <td data-label="Execution">
        <a href={`/executions/${e.id}`}>
          <code>{e.id.slice(0, 8)}</code>
        </a>
      </td>
      <td data-label="Status">
        <ExecutionBadge id={e.id} status={e.status} />
      </td>
      <td data-label="Trigger">
        {TRIGGER_LABELS[e.triggerType] ?? e.triggerType}
        {e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}
      </td>
      <td data-label="Version">v{e.scriptVersion}</td>
      <td data-label="Started">
        <Time value={e.startedAt ?? e.createdAt} />
      </td>
      <td data-label="Duration">{duration(e)}</td>
      <td data-label="Error" class="error-cell">
        {e.error ? (
          <span class="log-error">
            {e.error.code}
            {e.error.line ? ` (line ${e.error.line})` : ''}
          </span>
        ) : null}
      </td>
      <td data-label="Actions">
        <div class="actions">
          {can(p.role, 'scripts.execute') && (e.status === 'failed' || e.status === 'timeout') ? (
            <form method="post" action={`/executions/${e.id}/retry`} class="inline">
              <CsrfField token={p.csrfToken} />
              <button
                type="submit"
                class="small"
                hx-post={`/executions/${e.id}/retry`}
                hx-target="#execution-rows"
                hx-swap="afterbegin"
                aria-label={`Retry execution ${e.id}`}
              >
                Retry
              </button>
            </form>
          ) : null}
          {can(p.role, 'scripts.execute') && ACTIVE.has(e.status) ? (
            <form method="post" action={`/executions/${e.id}/cancel`} class="inline">
              <CsrfField token={p.csrfToken} />
              <button
                type="submit"
                class="small danger"
                hx-post={`/executions/${e.id}/cancel`}
                hx-target="closest tr"
                hx-swap="outerHTML"
                aria-label={`Cancel execution ${e.id}`}
              >
                Cancel
              </button>
            </form>
          ) : null}
        </div>
      </td>
    </tr>
  );
}

/**
 * The history list. It reloads itself when an execution starts (HX-Trigger executionsChanged)
 * and polls every 5 s only while a row is pending or running.
 */
export function ExecutionsList(props: {
  scriptId: string;
  rows: ExecutionRow[];
  principal: Principal;
}) {
  const polling = props.rows.some((e) => ACTIVE.has(e.status));
  return (
    <div
      id="executions-list"
      class="table-wrap"
      aria-live="polite"
      hx-get={`/scripts/${props.scriptId}/executions`}
      hx-trigger={polling ? 'executionsChanged from:body, every 5s' : 'executionsChanged from:body'}
      hx-swap="outerHTML"
      data-polling={polling ? 'true' : 'false'}
    >
      <table class="table responsive" id="executions-table">
        <thead>
          <tr>
            <th scope="col">Execution</th>
            <th scope="col">Status</th>
            <th scope="col">Trigger</th>
            <th scope="col">Version</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
            <th scope="col">Error</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody id="execution-rows">
          {props.rows.map((e) => (
            <ExecutionRowView e={e} principal={props.principal} />
          ))}
        </tbody>
      </table>
      {props.rows.length === 0 ? (
        <p class="muted" id="no-executions">
          No executions yet.
        </p>
      ) : null}
    </div>
  );
}

export function ExecutionsSection(props: {
  scriptId: string;
  scriptName: string;
  rows: ExecutionRow[];
  principal: Principal;
  canRun: boolean;
}) {
  const p = props.principal;
  return (
    <section class="card" aria-labelledby="executions-heading">
      <h2 id="executions-heading">Executions</h2>
      {can(p.role, 'scripts.execute') && props.canRun ? (
        <form
          id="execute-form"
          class="form"
          method="post"
          action={`/scripts/${props.scriptId}/execute`}
          hx-post={`/scripts/${props.scriptId}/execute`}
          hx-target="#execution-rows"
          hx-swap="afterbegin"
        >
          <CsrfField token={p.csrfToken} />
          <details>
            <summary>Input JSON (optional)</summary>
            <label for="execute-input">Input</label>
            <textarea
              id="execute-input"
              name="Input"
              rows={4}
              placeholder='{"orderId": 42}'
              spellcheck={false}
              class="mono"
            ></textarea>
          </details>
          <div>
            <button type="submit" class="primary" aria-label={`Execute script ${props.scriptName}`}>
              Execute
            </button>
          </div>
        </form>
      ) : null}
      <ExecutionsList scriptId={props.scriptId} rows={props.rows} principal={p} />
    </section>
  );
}

function Json(props: { value: unknown; id?: string }) {
  return (
    <pre class="json" id={props.id}>
      {JSON.stringify(props.value, null, 2)}
    </pre>
  );
}

export function ExecutionPage(props: { e: ExecutionRow; principal: Principal }) {
  const { e, principal: p } = props;
  const m = e.metrics ?? {};
  const logs = (e.logs ?? []) as Array<{
    level: string;
    message: string;
    metadata?: unknown;
    timestamp: string;
  }>;
  return (
    <Layout title={`Execution ${e.id.slice(0, 8)}`} principal={p} section="scripts">
      <div class="page-header">
        <div>
          <h1>
            Execution <code>{e.id.slice(0, 8)}</code>
          </h1>
          <p>
            <ExecutionBadge id={e.id} status={e.status} /> of{' '}
            <a href={`/scripts/${e.scriptId}`}>{e.scriptName ?? 'script'}</a> version{' '}
            {e.scriptVersion} · {TRIGGER_LABELS[e.triggerType] ?? e.triggerType}
            {e.attempt > 1 ? ` · attempt ${e.attempt}` : ''}
          </p>
        </div>
        <div class="page-actions">
          {can(p.role, 'scripts.execute') && (e.status === 'failed' || e.status === 'timeout') ? (
            <form method="post" action={`/executions/${e.id}/retry`} class="inline">
              <CsrfField token={p.csrfToken} />
              <button type="submit">Retry</button>
            </form>
          ) : null}
          {can(p.role, 'scripts.execute') && ACTIVE.has(e.status) ? (
            <form method="post" action={`/executions/${e.id}/cancel`} class="inline">
              <CsrfField token={p.csrfToken} />
              <button type="submit" class="danger">
                Cancel
              </button>
            </form>
          ) : null}
        </div>
      </div>
      {e.error ? (
        <div class="callout callout-error" role="alert" id="execution-error">
          <p>
            <strong>{e.error.code}</strong>: {e.error.message}
          </p>
          {e.error.line ? (
            <p>
              at line {e.error.line}
              {e.error.column ? `, column ${e.error.column}` : ''}
            </p>
          ) : null}
          {e.status === 'failed' ? <p class="muted">Execution ID: {e.id}</p> : null}
        </div>
      ) : null}
      <div class="grid-2">
        <div>
          <div class="card">
            <h2>Output</h2>
            {e.status === 'completed' ? (
              <Json value={e.output} id="execution-output" />
            ) : (
              <p class="muted">No output.</p>
            )}
          </div>
          <div class="card">
            <h2>Logs</h2>
            {logs.length === 0 ? (
              <p class="muted">No log lines.</p>
            ) : (
              <div class="logs" id="execution-logs">
                {logs.map((l) => (
                  <div class={`log-line log-${l.level}`}>
                    <span>{l.timestamp.slice(11, 23)}</span>
                    <span>{l.level.toUpperCase()}</span>
                    <span>
                      {l.message}
                      {l.metadata !== undefined ? <code> {JSON.stringify(l.metadata)}</code> : null}
                    </span>
                  </div>
                ))}
              </div>
            )}
            {e.logsDropped > 0 ? (
              <p class="muted">{e.logsDropped} more lines were over the limit and not stored.</p>
            ) : null}
          </div>
        </div>
        <div>
          <div class="card">
            <h2>Metrics</h2>
            <dl class="props" id="execution-metrics">
              <dt>Duration</dt>
              <dd>{duration(e)}</dd>
              <dt>CPU</dt>
              <dd>{typeof m.cpuMs === 'number' ? `${Math.round(m.cpuMs * 10) / 10} ms` : '—'}</dd>
              <dt>Memory</dt>
              <dd>
                {typeof m.memoryUsedBytes === 'number'
                  ? `${(m.memoryUsedBytes / 1024 / 1024).toFixed(1)} MiB`
                  : '—'}
              </dd>
              <dt>SDK calls</dt>
              <dd>{m.apiCallCount ?? 0}</dd>
              <dt>DB queries</dt>
              <dd>{m.dbQueryCount ?? 0}</dd>
              <dt>HTTP calls</dt>
              <dd>{m.httpCallCount ?? 0}</dd>
            </dl>
          </div>
          <div class="card">
            <h2>Timing</h2>
            <dl class="props">
              <dt>Queued</dt>
              <dd>
                <Time value={e.createdAt} />
              </dd>
              <dt>Started</dt>
              <dd>
                <Time value={e.startedAt} />
              </dd>
              <dt>Finished</dt>
              <dd>
                <Time value={e.completedAt} />
              </dd>
              <dt>Node</dt>
              <dd>{e.nodeId ?? '—'}</dd>
            </dl>
          </div>
          <div class="card">
            <h2>Input</h2>
            <Json value={e.input} />
            <h2>Trigger data</h2>
            <Json value={e.triggerData} />
          </div>
        </div>
      </div>
    </Layout>
  );
}

export function DeadLettersPage(props: {
  items: DeadLetter[];
  principal: Principal;
  page: number;
  flash?: string | null;
}) {
  const p = props.principal;
  return (
    <Layout title="Dead letters" principal={p} section="dead-letters" flash={props.flash}>
      <div class="page-header">
        <h1>Dead letters</h1>
      </div>
      <p class="muted">
        Events whose script failed the first run and all 3 retries. Replay runs the script again
        with the original event.
      </p>
      {props.items.length === 0 ? (
        <div class="empty">No dead letters. Every event was delivered.</div>
      ) : (
        <div class="table-wrap">
          <table class="table responsive" id="dead-letters-table">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Script</th>
                <th scope="col">Last error</th>
                <th scope="col">Failed</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {props.items.map((d) => (
                <tr id={`dead-letter-${d.id}`}>
                  <td data-label="Event">
                    <code>{d.eventType}</code>
                    <details>
                      <summary>Payload</summary>
                      <Json value={d.payload} />
                    </details>
                  </td>
                  <td data-label="Script">
                    <a href={`/scripts/${d.scriptId}`}>{d.scriptName}</a>
                  </td>
                  <td data-label="Last error">
                    {d.lastError?.code}: {d.lastError?.message}
                    {d.lastExecutionId ? (
                      <div>
                        <a href={`/executions/${d.lastExecutionId}`}>last execution</a>
                      </div>
                    ) : null}
                  </td>
                  <td data-label="Failed">
                    <Time value={d.createdAt} /> · {d.attempts} attempts
                    {d.replayedAt ? ' · replayed' : ''}
                  </td>
                  <td data-label="Actions">
                    <div class="actions">
                      {can(p.role, 'scripts.execute') ? (
                        <form method="post" action={`/dead-letters/${d.id}/replay`} class="inline">
                          <CsrfField token={p.csrfToken} />
                          <button
                            type="submit"
                            class="small"
                            aria-label={`Replay dead letter ${d.eventType} for ${d.scriptName}`}
                          >
                            Replay
                          </button>
                        </form>
                      ) : null}
                      {can(p.role, 'scripts.delete') ? (
                        <form method="post" action={`/dead-letters/${d.id}/delete`} class="inline">
                          <CsrfField token={p.csrfToken} />
                          <button
                            type="submit"
                            class="small danger"
                            hx-post={`/dead-letters/${d.id}/delete`}
                            hx-target="closest tr"
                            hx-swap="outerHTML"
                            hx-confirm="Delete this dead letter?"
                            aria-label={`Delete dead letter ${d.eventType} for ${d.scriptName}`}
                          >
                            Delete
                          </button>
                        </form>
                      ) : null}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pagination" aria-label="Pagination">
        {props.page > 1 ? <a href={`/dead-letters?page=${props.page - 1}`}>Previous</a> : null}
        {props.items.length === 50 ? (
          <a href={`/dead-letters?page=${props.page + 1}`}>Next</a>
        ) : null}
      </nav>
    </Layout>
  );
}
