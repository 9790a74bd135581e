import { HeaderMap } from '@apollo/server';
import type { RequestHandler } from 'express';
import { GatewayError } from '../errors';
import { Authenticator, bearerToken } from './authenticate';
import { Role, hasRole } from './roles';

/**
 * Bearer-token check for plain HTTP routes (`/metrics`; Prometheus sends its token as `bearer_token`).
 * 401 without a valid token, 403 when its role is too low; the body says no more than that.
 */
export function requireRole(auth: Authenticator, role: Role): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization;
    auth.authenticate(bearerToken(Array.isArray(header) ? header[0] : header)).then(
      (caller) => {
        if (!caller) {
          res.status(401).set('www-authenticate', 'Bearer realm="dhcp-failover-gateway"').type('text/plain').send('a valid bearer token is required\n');
        } else if (!hasRole(caller.role, role)) {
          res.status(403).type('text/plain').send(`this needs the ${role} role\n`);
        } else {
          next();
        }
      },
      (e: unknown) => next(e),
    );
  };
}

/**
 * The refusal of a GraphQL request without a valid token, before anything is parsed or run: HTTP 401
 * with `extensions.code` UNAUTHENTICATED. Only the explorer page (GET with Accept: text/html) is served
 * without a token; it asks for one in its connection settings.
 */
export function unauthenticatedRequest(): GatewayError {
  return new GatewayError('UNAUTHENTICATED', 'a valid bearer token is required (Authorization: Bearer <token>)', {
    http: { status: 401, headers: new HeaderMap([['www-authenticate', 'Bearer realm="dhcp-failover-gateway"']]) },
  });
}
