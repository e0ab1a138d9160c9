// Scripts list: search, type/status filters, pagination, Last Execution, delete in place.
import type { Principal } from '../../../auth/principal.js';
import { can } from '../../../domain/permissions.js';
import {
  SCRIPT_STATUSES,
  SCRIPT_TYPES,
  STATUS_LABELS,
  TYPE_LABELS,
} from '../../../domain/script.js';
import type { ScriptListItem } from '../../../store/scripts.js';
import { Time } from '../components.js';
import { Layout } from '../layout.js';
import { ExecutionBadge, StatusBadge, TypeBadge } from './badges.js';

export interface ListQuery {
  search: string;
  type: string;
  status: string;
  page: number;
}

export interface ListData {
  items: ScriptListItem[];
  total: number;
  page: number;
  pages: number;
}

function queryString(q: ListQuery, page: number): string {
  const p = new URLSearchParams();
  if (q.search) p.set('search', q.search);
  if (q.type) p.set('type', q.type);
  if (q.status) p.set('status', q.status);
  if (page > 1) p.set('page', String(page));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function ScriptRow(props: { s: ScriptListItem; principal: Principal }) {
  const { s, principal: p } = props;
  return (
    <tr id={`script-${s.id}`}>
      <td data-label="Name">
        <a href={`/scripts/${s.id}`}>{s.name}</a>
        {s.description ? <div class="muted small-text">{s.description.slice(0, 90)}</div> : null}
      </td>
      <td data-label="Type">
        <TypeBadge type={s.type} />
      </td>
      <td data-label="Status">
        <StatusBadge status={s.status} />
      </td>
      <td data-label="Last Execution">
        {s.lastExecution ? (
          <a href={`/executions/${s.lastExecution.id}`} class="last-exec">
            <ExecutionBadge id={s.lastExecution.id} status={s.lastExecution.status} />{' '}
            <Time value={s.lastExecution.createdAt} />
          </a>
        ) : (
          <span class="muted">Never run</span>
        )}
      </td>
      <td data-label="Actions">
        <div class="actions">
          {can(p.role, 'scripts.update') ? (
            <a
              class="button small"
              href={`/scripts/${s.id}/edit`}
              aria-label={`Edit script ${s.name}`}
            >
              Edit
            </a>
          ) : null}
          {can(p.role, 'scripts.delete') ? (
            <form method="post" action={`/scripts/${s.id}`} class="inline">
              <input type="hidden" name="_method" value="DELETE" />
              <input type="hidden" name="_csrf" value={p.csrfToken ?? ''} />
              <button
                type="submit"
                class="danger small"
                aria-label={`Delete script ${s.name}`}
                hx-delete={`/scripts/${s.id}`}
                hx-target="closest tr"
                hx-swap="outerHTML"
                hx-confirm={`Delete script "${s.name}"? Its versions, executions and schedules are deleted too. This cannot be undone.`}
              >
                Delete
              </button>
            </form>
          ) : null}
        </div>
      </td>
    </tr>
  );
}

export function ScriptResults(props: { data: ListData; query: ListQuery; principal: Principal }) {
  const { data, query } = props;
  const filtered = Boolean(query.search || query.type || query.status);
  return (
    <div id="script-results" aria-live="polite">
      {data.items.length === 0 ? (
        filtered ? (
          <div class="empty">
            <p>No scripts match your filters.</p>
            <a
              class="button"
              href="/scripts"
              hx-get="/scripts"
              hx-target="#script-list-body"
              hx-select="#script-list-body"
              hx-swap="outerHTML"
              hx-push-url="true"
            >
              Clear filters
            </a>
          </div>
        ) : (
          <div class="empty">
            <p>No scripts yet. Create your first script to get started.</p>
            {can(props.principal.role, 'scripts.create') ? (
              <a class="button primary" href="/scripts/new">
                New script
              </a>
            ) : null}
          </div>
        )
      ) : (
        <div class="table-wrap">
          <table class="table responsive" id="scripts-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Last Execution</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((s) => (
                <ScriptRow s={s} principal={props.principal} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data.pages > 1 ? (
        <nav class="pagination" aria-label="Pagination">
          {data.page > 1 ? (
            <a href={`/scripts${queryString(query, data.page - 1)}`} rel="prev">
              Previous
            </a>
          ) : null}
          <span>
            Page {data.page} of {data.pages} · {data.total} scripts
          </span>
          {data.page < data.pages ? (
            <a href={`/scripts${queryString(query, data.page + 1)}`} rel="next">
              Next
            </a>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}

export function ScriptListBody(props: { data: ListData; query: ListQuery; principal: Principal }) {
  const q = props.query;
  return (
    <div id="script-list-body">
      <form
        class="filters"
        method="get"
        action="/scripts"
        role="search"
        hx-get="/scripts"
        hx-target="#script-results"
        hx-select="#script-results"
        hx-swap="outerHTML"
        hx-push-url="true"
        hx-trigger="input changed delay:300ms from:input[type=search], change from:select, submit"
      >
        <input
          type="search"
          name="search"
          value={q.search}
          placeholder="Search name or description"
          aria-label="Search scripts"
        />
        <select name="type" aria-label="Filter by type">
          <option value="">All types</option>
          {SCRIPT_TYPES.map((t) => (
            <option value={t} selected={q.type === t}>
              {TYPE_LABELS[t]}
            </option>
          ))}
        </select>
        <select name="status" aria-label="Filter by status">
          <option value="">All statuses</option>
          {SCRIPT_STATUSES.map((s) => (
            <option value={s} selected={q.status === s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </select>
        <noscript>
          <button type="submit">Filter</button>
        </noscript>
      </form>
      <ScriptResults data={props.data} query={q} principal={props.principal} />
    </div>
  );
}

export function ScriptListPage(props: {
  data: ListData;
  query: ListQuery;
  principal: Principal;
  flash?: string | null;
}) {
  return (
    <Layout title="Scripts" principal={props.principal} section="scripts" flash={props.flash}>
      <div class="page-header">
        <h1>Scripts</h1>
        <div class="page-actions">
          {can(props.principal.role, 'scripts.create') ? (
            <a class="button primary" href="/scripts/new">
              New script
            </a>
          ) : null}
        </div>
      </div>
      <ScriptListBody data={props.data} query={props.query} principal={props.principal} />
    </Layout>
  );
}
