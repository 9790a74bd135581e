import { GraphQLError } from 'graphql';

/** Every refusal the spec names carries one of these codes in `extensions.code`. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'CONFIG_INVALID'
  | 'CONFIG_APPLY_FAILED'
  | 'SERVER_UNREACHABLE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN';

export class GatewayError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
  get code(): ErrorCode {
    return this.extensions.code as ErrorCode;
  }
}

export class BadUserInputError extends GatewayError {
  constructor(message: string, field?: string) {
    super('BAD_USER_INPUT', message, field ? { field } : {});
  }
}
export class NotFoundError extends GatewayError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}
export class ConflictError extends GatewayError {
  constructor(message: string, extra: Record<string, unknown> = {}) {
    super('CONFLICT', message, extra);
  }
}
export class ConfigInvalidError extends GatewayError {
  constructor(server: string, messages: string[]) {
    super('CONFIG_INVALID', `dhcpd -t rejected the new configuration of server "${server}": ${messages.join('; ')}`, {
      server,
      dhcpdMessages: messages,
    });
  }
}
export class ConfigApplyFailedError extends GatewayError {
  /** `cause`: the errno code (ENOSPC, EACCES, …) or a short reason, for clients that act on it */
  constructor(server: string, reason: string, cause?: string) {
    super('CONFIG_APPLY_FAILED', `applying the configuration of server "${server}" failed: ${reason}`, cause ? { server, cause } : { server });
  }
}
/** The server's machine could not be reached over its transport (refused, timed out, host key, authentication). */
export class ServerUnreachableError extends GatewayError {
  constructor(server: string, reason: string) {
    super('SERVER_UNREACHABLE', `server "${server}" cannot be reached: ${reason}`, { server, reason });
  }
}
export class UnauthenticatedError extends GatewayError {
  constructor(message = 'a valid bearer token is required') {
    super('UNAUTHENTICATED', message);
  }
}
export class ForbiddenError extends GatewayError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

/** The code of a refusal by the complexity limit (src/graphql-limits/complexity.ts). */
export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

/**
 * Codes of errors raised on purpose outside the classes above, by graphql-js, Apollo and the limits: like
 * a GatewayError, they reach the client as they are and are recorded in the audit log with their message.
 */
const DELIBERATE_CODES = new Set(['SERVER_UNREACHABLE', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', QUERY_TOO_COMPLEX, 'BAD_USER_INPUT', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE']);

/** Whether an error was raised on purpose (so it is shown as it is), rather than a failure to mask. */
export function isDeliberate(error: unknown, code: unknown = (error as GraphQLError | undefined)?.extensions?.code): boolean {
  return error instanceof GatewayError || DELIBERATE_CODES.has(String(code));
}
