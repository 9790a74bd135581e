import type { Server } from 'node:http';
import { GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { CloseCode, type Disposable } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { bearerToken } from './auth/authenticate';
import { hasRole } from './auth/roles';
import { ContextDeps, createContext } from './context';
import { LIMITS } from './graphql-limits/limits';
import { checkedOperation } from './graphql-limits/websocket';

/** What a client sends in `connection_init`: `{ "authorization": "Bearer <token>" }`, as the HTTP header. */
type ConnectionParams = Record<string, unknown> & { authorization?: unknown };

/**
 * graphql-ws (`graphql-transport-ws`) at /graphql on the gateway's own HTTP server, Apollo Server's documented
 * pattern (app.ts drains the server and disposes of this on stop). Only subscriptions: queries and mutations go
 * through POST /graphql, where the audit and the request metrics are.
 */
export function serveSubscriptions(
  httpServer: Server,
  schema: GraphQLSchema,
  deps: ContextDeps,
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError,
): Disposable {
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: LIMITS.bodyBytes });
  const authorization = (params: ConnectionParams | undefined) => (typeof params?.authorization === 'string' ? params.authorization : undefined);
  return useServer<ConnectionParams>(
    {
      schema,
      // The token is checked with the HTTP authenticator before the connection is acknowledged, and graphql-ws runs
      // no subscription on a connection that is not: no token or a bad one closes it with 4401, a too-low role 4403.
      onConnect: async (ctx) => {
        const caller = await deps.auth.authenticate(bearerToken(authorization(ctx.connectionParams)));
        if (caller && hasRole(caller.role, 'viewer')) return true;
        if (!caller) ctx.extra.socket.close(CloseCode.Unauthorized, 'a valid bearer token is required (connectionParams.authorization: "Bearer <token>")');
        return false;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const checked = checkedOperation(schema, payload);
        if ('errors' in checked) return checked.errors;
        if (checked.operation.operation !== 'subscription') {
          return [new GraphQLError('only subscriptions are served over WebSocket; send queries and mutations with POST /graphql', { extensions: { code: 'BAD_REQUEST' } })];
        }
        // Each subscription authenticates again, like each HTTP request: a token revoked since connecting is refused.
        const contextValue = await createContext(deps, { headers: { authorization: authorization(ctx.connectionParams) } });
        return { schema, document: checked.document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((e) => withoutHttp(formatError(e.toJSON(), e))) } : undefined,
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => withoutHttp(e.toJSON())),
    },
    wss,
  );
}

/** `extensions.http` is Apollo's instruction for the HTTP status; there is none on a socket. */
function withoutHttp(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions?.http) return formatted;
  const { http: _http, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
