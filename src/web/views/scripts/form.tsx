// The script form (new and edit): fields of SPEC §2.1, each error next to its field, trigger
// fields for the chosen type only (CSS :has, so it works without JavaScript), limits under
// "Advanced", and the Monaco editor over a plain textarea fallback.
import type { Principal } from '../../../auth/principal.js';
import { allowedTransitions } from '../../../domain/lifecycle.js';
import {
  HTTP_AUTH_LABELS,
  HTTP_METHODS,
  LANGUAGE_LABELS,
  LANGUAGES,
  LIMIT_KEYS,
  LIMIT_RANGES,
  SCRIPT_TYPES,
  STATUS_LABELS,
  TYPE_LABELS,
  type ScriptStatus,
} from '../../../domain/script.js';
import type { CompileMarker } from '../../../scripts/service.js';
import { TEMPLATES } from '../../../scripts/templates.js';
import { CsrfField, FieldError } from '../components.js';
import { many, one, type FormValues } from './form-values.js';

export interface ScriptFormProps {
  principal: Principal;
  mode: 'create' | 'edit';
  values: FormValues;
  errors: Record<string, string>;
  markers: readonly CompileMarker[];
  /** Edit mode: the script being edited. */
  script?: { id: string; name: string; status: ScriptStatus; version: number };
  template?: string | undefined;
}

function fieldId(name: string): string {
  return `f-${name}`;
}

function Field(props: {
  name: string;
  label: string;
  errors: Record<string, string>;
  hint?: string;
  children: (a: { id: string; invalid: boolean; describedBy: string }) => unknown;
}) {
  const id = fieldId(props.name);
  const err = props.errors[props.name];
  const describedBy = [err ? `${id}-error` : null, props.hint ? `${id}-hint` : null]
    .filter(Boolean)
    .join(' ');
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.children({ id, invalid: Boolean(err), describedBy }) as never}
      {props.hint ? (
        <span class="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      ) : null}
      <FieldError id={`${id}-error`} message={err} />
    </div>
  );
}

function TextInput(props: {
  name: string;
  label: string;
  v: FormValues;
  errors: Record<string, string>;
  hint?: string;
  required?: boolean;
  maxlength?: number;
  placeholder?: string;
  type?: string;
}) {
  return (
    <Field name={props.name} label={props.label} errors={props.errors} hint={props.hint}>
      {(a) => (
        <input
          id={a.id}
          name={props.name}
          type={props.type ?? 'text'}
          value={one(props.v, props.name)}
          required={props.required}
          maxlength={props.maxlength}
          placeholder={props.placeholder}
          aria-invalid={a.invalid ? 'true' : undefined}
          aria-describedby={a.describedBy || undefined}
        />
      )}
    </Field>
  );
}

function statusOptions(mode: 'create' | 'edit', current: ScriptStatus | undefined): ScriptStatus[] {
  if (mode === 'create' || !current) return ['draft', 'active'];
  return [current, ...allowedTransitions(current)];
}

export function ScriptForm(props: ScriptFormProps) {
  const { values: v, errors } = props;
  const edit = props.mode === 'edit' && props.script;
  const action = edit ? `/scripts/${props.script!.id}` : '/scripts';
  const errorList = Object.entries(errors);
  const markers = JSON.stringify(props.markers);
  return (
    <section id="script-form-section">
      {errorList.length > 0 ? (
        <div class="callout callout-error" role="alert" id="form-errors">
          <p>
            <strong>
              Please fix{' '}
              {errorList.length === 1 ? 'this error' : `these ${errorList.length} errors`}:
            </strong>
          </p>
          <ul>
            {errorList.map(([name, msg]) => (
              <li>
                <a href={`#${fieldId(name)}`}>{msg}</a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <form
        id="script-form"
        class="script-form"
        method="post"
        action={action}
        {...(edit ? { 'hx-put': action } : { 'hx-post': action })}
        hx-target="#script-form-section"
        hx-swap="outerHTML"
        novalidate
      >
        <CsrfField token={props.principal.csrfToken} />
        {edit ? <input type="hidden" name="_method" value="PUT" /> : null}
        <div class="grid-2">
          <div>
            <TextInput name="Name" label="Name" v={v} errors={errors} required maxlength={100} />
            <Field name="Description" label="Description" errors={errors}>
              {(a) => (
                <textarea
                  id={a.id}
                  name="Description"
                  maxlength={500}
                  rows={2}
                  aria-invalid={a.invalid ? 'true' : undefined}
                  aria-describedby={a.describedBy || undefined}
                >
                  {one(v, 'Description')}
                </textarea>
              )}
            </Field>
          </div>
          <div class="form-grid">
            <Field name="Type" label="Type" errors={errors}>
              {(a) => (
                <select
                  id={a.id}
                  name="Type"
                  aria-invalid={a.invalid ? 'true' : undefined}
                  aria-describedby={a.describedBy || undefined}
                >
                  {SCRIPT_TYPES.map((t) => (
                    <option value={t} selected={one(v, 'Type') === t}>
                      {TYPE_LABELS[t]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field name="Language" label="Language" errors={errors}>
              {(a) => (
                <select id={a.id} name="Language" aria-invalid={a.invalid ? 'true' : undefined}>
                  {LANGUAGES.map((l) => (
                    <option value={l} selected={one(v, 'Language') === l}>
                      {LANGUAGE_LABELS[l]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field name="Status" label="Status" errors={errors}>
              {(a) => (
                <select
                  id={a.id}
                  name="Status"
                  aria-invalid={a.invalid ? 'true' : undefined}
                  aria-describedby={a.describedBy || undefined}
                >
                  {statusOptions(props.mode, props.script?.status).map((s) => (
                    <option value={s} selected={one(v, 'Status') === s}>
                      {STATUS_LABELS[s]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
        </div>

        <fieldset class="trigger trigger-scheduled">
          <legend>Schedule</legend>
          <div class="form-grid">
            <TextInput
              name="CronExpression"
              label="Cron expression"
              v={v}
              errors={errors}
              placeholder="*/15 * * * *"
              hint="minute hour day month weekday, or @hourly, @daily, @weekly, @monthly"
            />
            <TextInput
              name="Timezone"
              label="Timezone"
              v={v}
              errors={errors}
              placeholder="Europe/Berlin"
              hint="IANA time zone name"
            />
          </div>
        </fieldset>
        <fieldset class="trigger trigger-http">
          <legend>HTTP endpoint</legend>
          <div class="form-grid">
            <TextInput
              name="HTTPPath"
              label="HTTP path"
              v={v}
              errors={errors}
              placeholder="/orders/:id"
              hint={`Served at /hooks/${props.principal.tenantSlug}{path}`}
            />
            <Field name="HTTPAuth" label="Authentication" errors={errors}>
              {(a) => (
                <select id={a.id} name="HTTPAuth" aria-invalid={a.invalid ? 'true' : undefined}>
                  {(['token', 'public'] as const).map((x) => (
                    <option value={x} selected={one(v, 'HTTPAuth') === x}>
                      {HTTP_AUTH_LABELS[x]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <div class="field" role="group" aria-labelledby="f-HTTPMethods-label">
            <span class="label" id="f-HTTPMethods-label" style="font-weight:600">
              HTTP methods
            </span>
            <div class="checks" id={fieldId('HTTPMethods')}>
              {HTTP_METHODS.map((m) => (
                <label>
                  <input
                    type="checkbox"
                    name="HTTPMethods"
                    value={m}
                    checked={many(v, 'HTTPMethods').includes(m)}
                  />{' '}
                  {m}
                </label>
              ))}
            </div>
            <FieldError id="f-HTTPMethods-error" message={errors.HTTPMethods} />
          </div>
        </fieldset>
        <fieldset class="trigger trigger-event">
          <legend>Events</legend>
          <TextInput
            name="EventTypes"
            label="Event types"
            v={v}
            errors={errors}
            placeholder="sales.order.paid, crm.client.created"
            hint="Comma separated, each module.entity.action"
          />
        </fieldset>

        <div class="field">
          <label for="source-input">Source</label>
          <div
            class="code-editor"
            data-editor
            data-language={one(v, 'Language') || 'javascript'}
            data-readonly="false"
            data-target="source-input"
            data-markers={markers}
          ></div>
          <textarea
            id="source-input"
            name="Source"
            class="source-fallback"
            spellcheck={false}
            aria-invalid={errors.Source ? 'true' : undefined}
            aria-describedby={errors.Source ? 'f-Source-error' : undefined}
          >
            {one(v, 'Source')}
          </textarea>
          <span class="hint">
            The body of an async function: use await and return freely. Ctrl+S saves.
          </span>
          <FieldError id="f-Source-error" message={errors.Source} />
        </div>

        <details
          class="advanced"
          open={LIMIT_KEYS.some((k) => errors[LIMIT_RANGES[k].formName]) || Boolean(errors.Tags)}
        >
          <summary>Advanced: limits and tags</summary>
          <div class="form-grid">
            {LIMIT_KEYS.map((k) => (
              <TextInput
                name={LIMIT_RANGES[k].formName}
                label={LIMIT_RANGES[k].label}
                v={v}
                errors={errors}
                type="number"
                hint={`${LIMIT_RANGES[k].min.toLocaleString('en')} – ${LIMIT_RANGES[k].max.toLocaleString('en')}`}
              />
            ))}
            <TextInput name="Tags" label="Tags" v={v} errors={errors} hint="Comma separated" />
          </div>
        </details>

        {edit ? (
          <div class="callout" id="version-note">
            <p>
              Saving will create version <strong>{props.script!.version + 1}</strong>.
            </p>
            <TextInput
              name="ChangeNote"
              label="Change note (optional)"
              v={v}
              errors={errors}
              maxlength={500}
              placeholder="What changed?"
            />
          </div>
        ) : null}
        <div class="page-actions">
          <button type="submit" class="primary">
            {edit ? 'Save changes' : 'Create script'}
          </button>
          <a class="button" href={edit ? `/scripts/${props.script!.id}` : '/scripts'}>
            Cancel
          </a>
        </div>
      </form>
    </section>
  );
}

export function TemplatePicker(props: { selected?: string | undefined }) {
  return (
    <nav class="card template-picker" aria-label="Start from a template">
      <h2>Start from a template</h2>
      <ul class="templates">
        {TEMPLATES.map((t) => (
          <li>
            <a
              href={`/scripts/new?template=${t.key}`}
              aria-current={props.selected === t.key ? 'true' : undefined}
              data-template={t.key}
            >
              <strong>{t.title}</strong>
              <span class="muted">{t.summary}</span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
