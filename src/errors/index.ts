import { GraphQLError } from 'graphql';

/** Every refusal the spec names carries one of these codes in `extensions.code`. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'CONFIG_INVALID'
  | 'CONFIG_APPLY_FAILED'
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
