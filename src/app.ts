import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { unwrapResolverError } from '@apollo/server/errors';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { createServer, type Server } from 'node:http';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import type { DataSource } from 'typeorm';
import { auditRefusedMutations } from './audit/plugin';
import { AuditLog } from './audit/audit-log';
import { auditEntryId } from './audit/audit-record';
import type { Authenticator } from './auth/authenticate';
import { requireRole, unauthenticatedRequest } from './auth/http';
import { tokenAuthenticator } from './auth/token-authenticator';
import { findDhcpd, ModelCache } from './config-sync';
import type { Settings } from './config';
import { Context, createContext } from './context';
import { openDatabase, openJournalDatabase, openReadDatabase } from './db/data-source';
import { postgresLiveStateTransport } from './db/live-state-notify';
import { Writers } from './db/writers';
import { Journal, recoverOpenChanges } from './config-sync/apply/journal';
import { isDeliberate } from './errors';
import { jitGateway } from './jit-executor';
import { stringifyResult } from './json-answer';
import { graphiql } from './graphiql';
import { complexityLimitPlugin } from './graphql-limits/complexity';
import { httpErrors } from './graphql-limits/http-errors';
import { LIMITS } from './graphql-limits/limits';
import { queryShapeRule } from './graphql-limits/shape-rule';
import { inProcessTransport } from './live-state';
import { Metrics } from './metrics';
import { liveStateChanges } from './resolvers/subscription';
import { Transport } from './domain';
import { LocalFiles } from './transport/local';
import type { ServerFiles } from './transport/server-files';
import { SshConnections, SshFiles } from './transport/ssh';
import { createSchema } from './schema';
import { createServices, ServicesFor } from './services';
import { serveSubscriptions } from './subscriptions';
import { SharedFiles } from './services/servers/shared-files';
import { UtilizationService } from './services/utilization';

export interface Gateway {
  app: express.Express;
  /** the HTTP server of `app` and of the graphql-ws subscriptions at /graphql; index.ts only calls listen() */
  server: Server;
  db: DataSource;
  /** the services of a caller; `services({})` runs mutations unaudited (seeding) */
  services: ServicesFor;
  metrics: Metrics;
  /** path of the dhcpd used for validation, or null when none was found */
  dhcpd: string | null;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  log?: (line: string) => void;
  auth?: Authenticator;
}

/** Wires database, services, GraphQL, subscriptions and the HTTP routes; index.ts only adds listen(). */
export async function createGateway(settings: Settings, options: GatewayOptions = {}): Promise<Gateway> {
  const log = options.log ?? ((line: string) => console.error(line));
  const metrics = new Metrics();
  const dbOptions = { url: settings.databaseUrl, onStatement: () => metrics.sqlStatements.inc() };
  const db = await openDatabase(dbOptions);
  const readDb = await openReadDatabase(db, dbOptions);
  const journalDb = await openJournalDatabase(db, dbOptions);
  // dhcpd is looked for once; every validation uses the path found here.
  const dhcpd = findDhcpd(settings.dhcpdBin ?? undefined);
  // One SSH connection per server, shared by every request; a server's transport decides where its files are.
  const ssh = new SshConnections();
  const filesOf = (server: { name: string; address?: string; transport?: Transport }): ServerFiles => {
    const hooks = settings.hooksFor(server.name);
    if (server.transport !== Transport.SSH) return new LocalFiles(hooks, dhcpd, settings.configRoot);
    const host = hooks.ssh?.host ?? server.address;
    return new SshFiles(ssh, hooks.ssh && host ? { ...hooks.ssh, host } : null, hooks);
  };
  const files = { filesOf, models: new ModelCache(), metrics };
  const runnerDeps = { db, writers: new Writers(db), journal: new Journal(journalDb), files, sharedFiles: new SharedFiles(settings), log };
  // Before serving: a change that a killed process left half-applied is undone (and audited as RECOVERED).
  await recoverOpenChanges({ ...runnerDeps, filesOf: files.filesOf });
  const services = createServices(runnerDeps, readDb, settings, metrics);
  // GATEWAY_ADMIN_TOKEN and the api_token table (src/auth); the audit log of mutations (src/audit).
  const auth = options.auth ?? tokenAuthenticator(db, settings.adminToken);
  const audit = new AuditLog(db, runnerDeps.writers);
  // One poller per relationship with subscribers; on PostgreSQL one replica polls it for all (src/db/live-state-notify.ts).
  const changes = liveStateChanges(readDb, services({}).liveState, {
    intervalMs: settings.liveStatePollMs,
    transport: (deliver) => (db.options.type === 'postgres' ? postgresLiveStateTransport(settings.databaseUrl, deliver, log) : inProcessTransport(deliver)),
    log,
  });
  const utilization = new UtilizationService(settings, files.filesOf, readDb, metrics.registry, log);
  const contextDeps = { db: readDb, services, auth, audit, liveStateChanges: changes, utilization };

  const app = express();
  const server = createServer(app);
  const schema = await createSchema();
  const subscriptions = serveSubscriptions(server, schema, contextDeps, maskInternalErrors);
  const apollo = new ApolloServer<Context>({
    ...(settings.executor === 'graphql-js' ? { schema } : { gateway: jitGateway(schema, { writeAnswers: settings.executor === 'json' }) }),
    // An answer src/json-answer.ts wrote is put in as it is; every other one is serialised as Apollo does.
    stringifyResult,
    introspection: settings.introspection,
    // Abuse limits (src/graphql-limits; the README lists them): tokens at parse time, shape at validation, cost per request.
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: LIMITS.maxTokens },
    validationRules: [queryShapeRule()],
    // Stacks and internals stay in our log (with the request id), never in a response.
    includeStacktraceInErrorResponses: false,
    // index.ts owns shutdown; Apollo's own signal handler would race it (a second stop() never settles).
    stopOnTerminationSignals: false,
    plugins: [
      // We set no cache hints; the plugin would only cost time on large answers.
      ApolloServerPluginCacheControlDisabled(),
      // The explorer is our own GraphiQL route below; Apollo's landing pages load Sandbox from the internet.
      ApolloServerPluginLandingPageDisabled(),
      observe(metrics, log),
      complexityLimitPlugin(),
      auditRefusedMutations(),
      // Apollo's documented shutdown for an HTTP server that also serves graphql-ws: drain it, close the sockets.
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      { serverWillStart: async () => ({ drainServer: async () => subscriptions.dispose() }) },
    ],
    formatError: maskInternalErrors,
  });
  await apollo.start();

  app.disable('x-powered-by');
  // Express hashes every answer (SHA-1) into an ETag, for conditional GETs; GraphQL answers are POSTed and never
  // revalidated, and the hash of a 5 MB answer costs as much as a third of its serialisation.
  app.set('etag', false);
  app.get('/healthz', async (_req, res) => {
    let database = 'ok';
    try {
      await db.query('SELECT 1');
    } catch {
      database = 'unavailable';
    }
    res.status(database === 'ok' ? 200 : 503).json({
      status: database === 'ok' ? 'ok' : 'degraded',
      database,
      dhcpd: dhcpd ? 'found: candidate configs are validated with dhcpd -t' : 'NOT FOUND: configs are written without dhcpd -t validation',
    });
  });
  app.get('/metrics', requireRole(auth, 'viewer'), async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  if (settings.explorer) app.get('/graphql', graphiql());
  app.use(
    '/graphql',
    express.json({ limit: LIMITS.bodyBytes }),
    expressMiddleware(apollo, {
      // Every GraphQL request needs a valid token (401 otherwise); roles are checked per field (schema.ts).
      context: async ({ req }) => {
        const context = await createContext(contextDeps, req);
        if (!context.user) throw unauthenticatedRequest();
        return context;
      },
    }),
  );
  app.use(httpErrors(LIMITS.bodyBytes, log));

  return {
    app,
    server,
    db,
    services,
    metrics,
    dhcpd,
    async stop() {
      await apollo.stop();
      await changes.close();
      await ssh.close();
      for (const other of [readDb, journalDb]) if (other !== db) await other.destroy();
      await db.destroy();
    },
  };
}

/** Errors we raise on purpose reach the client as they are; anything else is logged and masked. */
function maskInternalErrors(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof GraphQLError ? isDeliberate(original, original.extensions.code ?? formatted.extensions?.code) : isDeliberate(null, formatted.extensions?.code)) return formatted;
  return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' }, path: formatted.path };
}

/** Request duration by operation, and a log line with the request id for every error that was masked. */
function observe(metrics: Metrics, log: (line: string) => void): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      const end = metrics.requestDuration.startTimer();
      return {
        async didEncounterErrors({ contextValue, errors }) {
          for (const e of errors) {
            const original = unwrapResolverError(e);
            if (original instanceof GraphQLError && isDeliberate(original)) continue;
            log(`request ${contextValue.requestId}: internal error: ${(original as Error)?.stack ?? String(original)}`);
          }
        },
        async willSendResponse({ contextValue, operation, operationName, response }) {
          const body = response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
          for (const e of errors ?? []) {
            if (e.extensions?.code === 'INTERNAL_SERVER_ERROR') (e.extensions as Record<string, unknown>).requestId = contextValue.requestId;
          }
          // The audit entry of the (last) mutation, readable with auditEntry(id:); all of them when several ran.
          const ids = contextValue.caller.auditEntryIds;
          if (ids?.length && body.kind === 'single') {
            body.singleResult.extensions = { ...body.singleResult.extensions, auditEntryId: auditEntryId(ids.at(-1)!), ...(ids.length > 1 ? { auditEntryIds: ids.map(auditEntryId) } : {}) };
          }
          end({ operation: operationName ?? 'anonymous', type: operation?.operation ?? 'unknown', outcome: errors?.length ? 'error' : 'ok' });
        },
      };
    },
  };
}
