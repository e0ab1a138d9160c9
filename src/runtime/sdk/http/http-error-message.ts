// Turns network/undici errors into messages safe to show scripts (no addresses, stacks or internals).
const BY_CODE: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CLOSED: 'connection closed',
  ENOTFOUND: 'could not resolve host',
  EAI_AGAIN: 'could not resolve host',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_OVERFLOW: 'response headers too large',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'response body did not match its content-length',
};

function codeOf(err: unknown): string {
  if (typeof err !== 'object' || err === null) return '';
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : '';
}

export function httpErrorMessage(err: unknown): string {
  const code = codeOf(err);
  let reason = BY_CODE[code];
  if (reason === undefined) {
    if (/CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) reason = 'TLS handshake failed';
    else if (code.startsWith('HPE_')) reason = 'invalid HTTP response';
    else reason = 'connection failed';
  }
  return `HTTP request failed - ${reason}`;
}
