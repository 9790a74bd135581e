/** Why an OMAPI exchange failed; stable strings so callers (and metrics) can branch on them. */
export type OmapiErrorCode =
  | 'timeout'
  | 'connection-refused'
  | 'unreachable'
  | 'connection-closed'
  | 'auth-failed'
  | 'not-found'
  | 'server-error'
  | 'protocol';

export class OmapiError extends Error {
  override readonly name = 'OmapiError';

  constructor(
    readonly code: OmapiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Turns a socket error into an OmapiError whose message names the endpoint. */
export function socketError(err: NodeJS.ErrnoException, endpoint: string): OmapiError {
  switch (err.code) {
    case 'ECONNREFUSED':
      return new OmapiError('connection-refused', `connection refused by ${endpoint}`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ETIMEDOUT':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new OmapiError('unreachable', `${endpoint} unreachable (${err.code})`);
    case 'ECONNRESET':
    case 'EPIPE':
      return new OmapiError('connection-closed', `connection to ${endpoint} reset`);
    default:
      return new OmapiError('unreachable', `${endpoint}: ${err.message}`);
  }
}
