import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler } from 'express';

/**
 * Errors raised before GraphQL sees a request (the JSON body parser) or by a plain route, answered in
 * the GraphQL error shape with a code. Express's own handler would answer with an HTML page that, outside
 * NODE_ENV=production, carries the stack and file paths.
 */
export function httpErrors(bodyLimit: number, log: (line: string) => void): ErrorRequestHandler {
  return (err: { type?: string; status?: number; stack?: string }, _req, res, next) => {
    if (res.headersSent) return next(err);
    const refuse = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) =>
      res.status(status).json({ errors: [{ message, extensions: { code, ...extra } }] });
    if (err?.type === 'entity.too.large') return refuse(413, 'PAYLOAD_TOO_LARGE', `the request body is larger than the ${bodyLimit} bytes allowed`);
    if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      return refuse(err.status, 'BAD_REQUEST', err.type === 'entity.parse.failed' ? 'the request body is not valid JSON' : 'the request body cannot be read');
    }
    const requestId = randomUUID();
    log(`request ${requestId}: internal error: ${err?.stack ?? String(err)}`);
    return refuse(500, 'INTERNAL_SERVER_ERROR', 'Internal server error', { requestId });
  };
}
