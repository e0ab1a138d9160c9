// The slice of a structured logger (pino-compatible) the runtime writes to.

type LogFn = (details: object, message: string) => void;

export interface RuntimeLogger {
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
}

export const noopLogger: RuntimeLogger = { info: () => {}, warn: () => {}, error: () => {} };
