// One result table for the whole run: every measured figure with its same-run baseline, the
// ratio, the target from the issue and a verdict; plus free-form notes (CPU split, checks).

export interface Row {
  /** "A1", "B5" … */
  readonly id: string;
  readonly metric: string;
  readonly value: string;
  readonly baseline?: string;
  readonly ratio?: string;
  readonly target?: string;
  /** true = met, false = not met, undefined = informational. */
  readonly met?: boolean;
}

export interface Report {
  readonly rows: Row[];
  readonly notes: string[];
  /** Raw numbers by benchmark id, written to bench/out/last-run.json. */
  readonly raw: Record<string, unknown>;
}

export function createReport(): Report {
  return { rows: [], notes: [], raw: {} };
}

function cell(text: string | undefined): string {
  return (text ?? '').replace(/\|/g, '\\|');
}

export function markdownTable(rows: readonly Row[]): string {
  const lines = [
    '| # | Metric | Value | Baseline (same run) | Ratio | Target | Verdict |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const verdict = r.met === undefined ? '' : r.met ? '**met**' : '**not met**';
    lines.push(
      `| ${r.id} | ${cell(r.metric)} | ${cell(r.value)} | ${cell(r.baseline)} | ${cell(r.ratio)} | ${cell(r.target)} | ${verdict} |`,
    );
  }
  return lines.join('\n');
}
