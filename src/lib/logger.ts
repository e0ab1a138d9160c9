// Structured service log (pino, JSON lines on stdout).
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(options: { level: string; nodeId?: string }): Logger {
  return pino({
    level: options.level,
    base: options.nodeId ? { node: options.nodeId } : {},
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

/** A logger that drops everything (tests and library use without a sink). */
export const silentLogger: Logger = pino({ level: 'silent' });
