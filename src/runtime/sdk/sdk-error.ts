// The one error SDK capabilities throw for expected failures; its code and message reach the script.
export class SdkError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'SdkError';
    this.code = code;
  }
}
