import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DataSource } from 'typeorm';
import type { AuditLog } from './audit/audit-log';
import type { MutationCaller } from './audit/audit-record';
import type { Authenticator } from './auth/authenticate';
import { bearerToken } from './auth/authenticate';
import type { Caller } from './auth/roles';
import { createLoaders, Loaders } from './loaders';
import type { LiveStateChanges } from './resolvers/subscription';
import type { Services, ServicesFor } from './services';
import type { RequestUtilization, UtilizationService } from './services/utilization';

export interface Context {
  requestId: string;
  user: Caller | null;
  loaders: Loaders;
  services: Services;
  /** the audit log of mutations (src/audit) */
  audit: AuditLog;
  /**
   * Holds the audit record of the mutation field being resolved (set by src/audit/instrument.ts); the
   * request's services record it. An object of its own: Apollo hands resolvers a copy of the context.
   */
  caller: MutationCaller;
  /** what Subscription.liveStateChanged streams, shared by every subscriber */
  liveStateChanges: LiveStateChanges;
  /** pool utilisation from the lease files, each server's file read at most once per request */
  utilization: RequestUtilization;
}

export interface ContextDeps {
  /** the connection the request's loaders read through */
  db: DataSource;
  services: ServicesFor;
  auth: Authenticator;
  audit: AuditLog;
  liveStateChanges: LiveStateChanges;
  utilization: UtilizationService;
}

/** Built afresh for every request: loaders are never shared between requests (nor users). */
export async function createContext(deps: ContextDeps, req: Pick<IncomingMessage, 'headers'>): Promise<Context> {
  const header = req.headers.authorization;
  const caller: MutationCaller = {};
  const loaders = createLoaders(deps.db);
  return {
    requestId: randomUUID(),
    user: await deps.auth.authenticate(bearerToken(Array.isArray(header) ? header[0] : header)),
    loaders,
    services: deps.services(caller),
    audit: deps.audit,
    caller,
    liveStateChanges: deps.liveStateChanges,
    utilization: deps.utilization.forRequest(loaders),
  };
}
