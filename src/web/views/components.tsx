// Small shared view pieces: CSRF field, field errors, relative times.
import type { Child } from 'hono/jsx';

export function CsrfField(props: { token: string | null }) {
  return <input type="hidden" name="_csrf" value={props.token ?? ''} />;
}

export function FieldError(props: { id: string; message?: string | undefined }) {
  return props.message ? (
    <p class="field-error" id={props.id} role="alert">
      {props.message}
    </p>
  ) : null;
}

export function formatTime(d: Date | string | null | undefined): string {
  if (!d) return '—';
  const date = typeof d === 'string' ? new Date(d) : d;
  return date.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

export function Time(props: { value: Date | string | null | undefined }) {
  if (!props.value) return <span class="muted">—</span>;
  const iso = (typeof props.value === 'string' ? new Date(props.value) : props.value).toISOString();
  return <time datetime={iso}>{formatTime(props.value)}</time>;
}

export function PageHeader(props: { title: string; children?: Child }) {
  return (
    <div class="page-header">
      <h1>{props.title}</h1>
      <div class="page-actions">{props.children}</div>
    </div>
  );
}
