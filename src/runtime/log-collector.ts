// Sandbox worker side: the log lines of one execution, capped at 1000 lines and 1 MB (UTF-8).
import { LOG_LEVELS, MAX_LOG_BYTES, MAX_LOG_LINES } from './guest/protocol.js';
import type { LogLine } from './outcome.js';

export interface LogCollector {
  add(level: unknown, message: unknown, metadataJson: unknown): void;
  /** The guest's running count of lines it dropped itself. */
  guestDropped(count: unknown): void;
  /** Resolves once `lines` lines have arrived (host callbacks are asynchronous) or soon after. */
  settle(lines: number): Promise<void>;
  result(finalGuestDropped?: number): { logs: LogLine[]; logsDropped: number };
}

/** Event-loop turns to wait for in-flight log callbacks before giving up on them. */
const SETTLE_TURNS = 50;

export function createLogCollector(): LogCollector {
  const logs: LogLine[] = [];
  let received = 0;
  let bytes = 0;
  let hostDropped = 0;
  let guestDropped = 0;

  return {
    add(level, message, metadataJson) {
      received++;
      if (typeof message !== 'string') return;
      const meta = typeof metadataJson === 'string' ? metadataJson : undefined;
      const size = Buffer.byteLength(message) + (meta === undefined ? 0 : Buffer.byteLength(meta));
      if (logs.length >= MAX_LOG_LINES || bytes + size > MAX_LOG_BYTES) {
        hostDropped++;
        return;
      }
      bytes += size;
      const line: LogLine = {
        level: LOG_LEVELS[typeof level === 'number' ? level : 1] ?? 'info',
        message,
        timestamp: new Date().toISOString(),
        ...(meta === undefined ? {} : { metadata: JSON.parse(meta) as unknown }),
      };
      logs.push(line);
    },

    guestDropped(count) {
      if (typeof count === 'number' && count > guestDropped) guestDropped = count;
    },

    async settle(lines) {
      for (let turn = 0; received < lines && turn < SETTLE_TURNS; turn++) {
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },

    result(finalGuestDropped) {
      const guest = Math.max(guestDropped, finalGuestDropped ?? 0);
      return { logs, logsDropped: guest + hostDropped };
    },
  };
}
