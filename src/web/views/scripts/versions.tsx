// Version history: list with compare, one version's content, Monaco diff, restore.
import type { Principal } from '../../../auth/principal.js';
import { can } from '../../../domain/permissions.js';
import type { Script } from '../../../store/scripts.js';
import type { ScriptVersion } from '../../../store/script-versions.js';
import { CsrfField, Time } from '../components.js';
import { Layout } from '../layout.js';
import { StatusBadge } from './badges.js';

function RestoreButton(props: { script: Script; version: number; principal: Principal }) {
  if (!can(props.principal.role, 'scripts.update') || props.version === props.script.version)
    return null;
  return (
    <form
      method="post"
      action={`/scripts/${props.script.id}/versions/${props.version}/restore`}
      class="inline"
    >
      <CsrfField token={props.principal.csrfToken} />
      <button
        type="submit"
        class="small"
        aria-label={`Restore version ${props.version}`}
        hx-post={`/scripts/${props.script.id}/versions/${props.version}/restore`}
        hx-confirm={`Restore version ${props.version}? This creates version ${props.script.version + 1} with its content.`}
      >
        Restore
      </button>
    </form>
  );
}

export function VersionsPage(props: {
  script: Script;
  versions: ScriptVersion[];
  principal: Principal;
  flash?: string | null;
}) {
  const { script: s, versions } = props;
  const latest = versions[0]?.version ?? s.version;
  const previous = versions[1]?.version ?? latest;
  return (
    <Layout
      title={`Versions of ${s.name}`}
      principal={props.principal}
      section="scripts"
      flash={props.flash}
    >
      <div class="page-header">
        <h1>
          Versions of <a href={`/scripts/${s.id}`}>{s.name}</a>
        </h1>
      </div>
      <form class="filters card" method="get" action={`/scripts/${s.id}/diff`}>
        <label for="diff-from">Compare</label>
        <select id="diff-from" name="from" aria-label="Original version">
          {versions.map((v) => (
            <option value={v.version} selected={v.version === previous}>
              v{v.version}
            </option>
          ))}
        </select>
        <label for="diff-to">with</label>
        <select id="diff-to" name="to" aria-label="Changed version">
          {versions.map((v) => (
            <option value={v.version} selected={v.version === latest}>
              v{v.version}
            </option>
          ))}
        </select>
        <button type="submit" class="primary">
          Show diff
        </button>
      </form>
      <div class="table-wrap">
        <table class="table responsive" id="versions-table">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Change note</th>
              <th scope="col">Status</th>
              <th scope="col">By</th>
              <th scope="col">When</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr id={`version-${v.version}`}>
                <td data-label="Version">
                  <a href={`/scripts/${s.id}/versions/${v.version}`}>v{v.version}</a>
                  {v.version === s.version ? <span class="muted"> (current)</span> : null}
                </td>
                <td data-label="Change note">{v.changeNote || <span class="muted">—</span>}</td>
                <td data-label="Status">
                  <StatusBadge status={v.snapshot.status} />
                </td>
                <td data-label="By">{v.createdByLabel ?? <span class="muted">API token</span>}</td>
                <td data-label="When">
                  <Time value={v.createdAt} />
                </td>
                <td data-label="Actions">
                  <div class="actions">
                    {v.version > 1 ? (
                      <a
                        class="button small"
                        href={`/scripts/${s.id}/diff?from=${v.version - 1}&to=${v.version}`}
                      >
                        Diff
                      </a>
                    ) : null}
                    <RestoreButton script={s} version={v.version} principal={props.principal} />
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

export function VersionPage(props: {
  script: Script;
  version: ScriptVersion;
  principal: Principal;
}) {
  const { script: s, version: v } = props;
  return (
    <Layout title={`${s.name} v${v.version}`} principal={props.principal} section="scripts" editor>
      <div class="page-header">
        <h1>
          <a href={`/scripts/${s.id}`}>{s.name}</a> · version {v.version}
        </h1>
        <div class="page-actions">
          <a class="button" href={`/scripts/${s.id}/versions`}>
            All versions
          </a>
          <RestoreButton script={s} version={v.version} principal={props.principal} />
        </div>
      </div>
      <p class="muted">
        {v.changeNote || 'No change note'} · <Time value={v.createdAt} />
      </p>
      <div
        class="code-editor readonly"
        data-editor
        data-language={v.snapshot.language}
        data-readonly="true"
        data-target="version-source"
      ></div>
      <textarea
        id="version-source"
        class="source-fallback"
        readonly
        aria-label={`Source of version ${v.version}`}
      >
        {v.snapshot.source}
      </textarea>
      <h2>Configuration</h2>
      <pre class="json">{JSON.stringify({ ...v.snapshot, source: undefined }, null, 2)}</pre>
    </Layout>
  );
}

export function DiffPage(props: {
  script: Script;
  from: ScriptVersion;
  to: ScriptVersion;
  principal: Principal;
}) {
  const { script: s, from, to } = props;
  const config = (v: ScriptVersion) =>
    JSON.stringify({ ...v.snapshot, source: undefined }, null, 2);
  return (
    <Layout
      title={`${s.name}: v${from.version} → v${to.version}`}
      principal={props.principal}
      section="scripts"
      editor
    >
      <div class="page-header">
        <h1>
          <a href={`/scripts/${s.id}`}>{s.name}</a>: v{from.version} → v{to.version}
        </h1>
        <div class="page-actions">
          <a class="button" href={`/scripts/${s.id}/versions`}>
            All versions
          </a>
          <RestoreButton script={s} version={from.version} principal={props.principal} />
        </div>
      </div>
      <div
        class="diff-editor"
        data-diff
        data-language={to.snapshot.language}
        data-original-id="diff-original"
        data-modified-id="diff-modified"
        role="region"
        aria-label={`Differences between version ${from.version} and ${to.version}`}
      ></div>
      <div class="grid-2 diff-fallback">
        <textarea
          id="diff-original"
          class="source-fallback"
          readonly
          aria-label={`Version ${from.version}`}
        >
          {from.snapshot.source}
        </textarea>
        <textarea
          id="diff-modified"
          class="source-fallback"
          readonly
          aria-label={`Version ${to.version}`}
        >
          {to.snapshot.source}
        </textarea>
      </div>
      <h2>Configuration</h2>
      <div class="grid-2">
        <pre class="json">{config(from)}</pre>
        <pre class="json">{config(to)}</pre>
      </div>
    </Layout>
  );
}
