// Status and type badges: colour and text, never colour alone.
import {
  STATUS_LABELS,
  TYPE_LABELS,
  type ScriptStatus,
  type ScriptType,
} from '../../../domain/script.js';

export function StatusBadge(props: { status: ScriptStatus }) {
  return <span class={`badge badge-${props.status}`}>{STATUS_LABELS[props.status]}</span>;
}

export function TypeBadge(props: { type: ScriptType }) {
  return <span class="badge badge-type">{TYPE_LABELS[props.type]}</span>;
}

const EXECUTION_LABELS: Record<string, string> = {
  pending: 'Pending',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  timeout: 'Timed out',
  cancelled: 'Cancelled',
};

export function ExecutionBadge(props: { id: string; status: string }) {
  return (
    <span
      class={`badge badge-${props.status}`}
      role="status"
      aria-label={`Execution ${props.id} status: ${props.status}`}
    >
      {EXECUTION_LABELS[props.status] ?? props.status}
    </span>
  );
}
