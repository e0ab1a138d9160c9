// CPU time per group of processes between two snapshots of /proc (utime + stime of every
// thread), so a benchmark can say which process spent the machine's two cores.
import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  readonly ticks: number;
  /** Kernel part of ticks (stime). */
  readonly sys: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = text.indexOf('(');
    const close = text.lastIndexOf(')');
    const comm = text.slice(open + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // fields[0] is state (field 3); utime and stime are fields 14 and 15.
    return {
      pid,
      ppid: Number(fields[1]),
      comm,
      ticks: Number(fields[11]) + Number(fields[12]),
      sys: Number(fields[12]),
    };
  } catch {
    return null;
  }
}

export type Snapshot = ReadonlyMap<number, ProcStat>;

export function snapshot(): Snapshot {
  const out = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) out.set(s.pid, s);
  }
  return out;
}

/** Names the group a process belongs to. */
export type Classifier = (p: { pid: number; ppid: number; comm: string }) => string;

/** Cores used per group over the interval (CPU seconds / wall seconds), largest first. */
export function coresByGroup(
  before: Snapshot,
  after: Snapshot,
  wallMs: number,
  classify: Classifier,
): Array<{ group: string; cores: number; sysCores: number }> {
  const totals = new Map<string, { ticks: number; sys: number }>();
  for (const [pid, s] of after) {
    const prev = before.get(pid);
    const ticks = s.ticks - (prev?.ticks ?? 0);
    if (ticks <= 0) continue;
    const group = classify(s);
    const t = totals.get(group) ?? { ticks: 0, sys: 0 };
    t.ticks += ticks;
    t.sys += s.sys - (prev?.sys ?? 0);
    totals.set(group, t);
  }
  const seconds = wallMs / 1000;
  return [...totals.entries()]
    .map(([group, t]) => ({
      group,
      cores: t.ticks / TICKS_PER_SECOND / seconds,
      sysCores: t.sys / TICKS_PER_SECOND / seconds,
    }))
    .sort((a, b) => b.cores - a.cores);
}

export function formatCores(rows: ReadonlyArray<{ group: string; cores: number }>): string {
  return rows
    .filter((r) => r.cores >= 0.01)
    .map((r) => `${r.group} ${r.cores.toFixed(2)}`)
    .join(', ');
}

/** Resident set size of a process in bytes (VmRSS), or null when it is gone. */
export function rssBytes(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Load average at this moment (1, 5, 15 minutes). */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
