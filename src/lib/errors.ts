// One error type for the service: a public code, an HTTP status and a safe message.
// Expected failures of scripts are values (see runtime/outcome.ts); AppError is for requests.

/** Every public error code with its HTTP status and one-line meaning. */
export const ERROR_CODES = {
  VALIDATION_ERROR: [400, 'The request or form has invalid fields (see error.fields).'],
  BAD_REQUEST: [400, 'The request could not be understood.'],
  UNAUTHORIZED: [401, 'Missing or invalid credentials.'],
  CSRF_FAILED: [403, 'The form or request failed the cross-site request check.'],
  FORBIDDEN: [403, 'The credentials lack the permission this route needs.'],
  NOT_FOUND: [404, 'No such resource in this tenant.'],
  CONFLICT: [409, 'A unique value (name, HTTP path, slug) is already taken.'],
  INVALID_TRANSITION: [409, 'The script status cannot change that way.'],
  PAYLOAD_TOO_LARGE: [413, 'The request body is over the size limit.'],
  RATE_LIMIT: [429, 'Too many requests; retry after the Retry-After seconds.'],
  CONCURRENCY_LIMIT: [429, 'The script or tenant already runs its maximum of executions.'],
  EXECUTION_FAILED: [500, 'The script failed; see error.executionId.'],
  INTERNAL: [500, 'An unexpected error in the service.'],
  NOT_READY: [503, 'The service is starting or shutting down.'],
  TIMEOUT: [504, 'The script did not finish within its time limit.'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fields: Readonly<Record<string, string>> | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { fields?: Record<string, string>; details?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CODES[code][0];
    this.fields = options.fields;
    this.details = options.details;
  }

  toJSON(): { error: Record<string, unknown> } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.fields ? { fields: this.fields } : {}),
        ...(this.details ?? {}),
      },
    };
  }
}

export const notFound = (what = 'Resource'): AppError =>
  new AppError('NOT_FOUND', `${what} not found or you don't have permission to view it.`);
export const forbidden = (): AppError =>
  new AppError('FORBIDDEN', "You don't have permission to do that.");
export const unauthorized = (): AppError =>
  new AppError('UNAUTHORIZED', 'Authentication required: log in or send a valid bearer token.');
