import type { DataSource } from 'typeorm';
import type { MutationCaller } from '../audit/audit-record';
import type { Settings } from '../config';
import type { Metrics } from '../metrics';
import { DriftService } from './servers/drift';
import { LiveStateService } from './failover/live-state';
import { MutationRunner, type RunnerDeps } from './mutation/runner';
import { PartnerDownService } from './failover/partner-down';
import { QueryService } from './queries/queries';
import { RelationshipService } from './failover/relationships';
import { ReviewService } from './queries/review';
import { ScopeService } from './scopes/scopes';
import { ServerService } from './servers/servers';

export interface Services {
  servers: ServerService;
  relationships: RelationshipService;
  scopes: ScopeService;
  queries: QueryService;
  liveState: LiveStateService;
  drift: DriftService;
  partnerDown: PartnerDownService;
  review: ReviewService;
}

/** The services of one caller: mutations they run are recorded as that caller's in the audit log. */
export type ServicesFor = (caller: MutationCaller) => Services;

/** `readDb`: the connection queries read through (see openReadDatabase). */
export function createServices(deps: RunnerDeps, readDb: DataSource, settings: Settings, metrics: Metrics): ServicesFor {
  const runner = new MutationRunner(deps);
  const { files } = deps;
  const queries = new QueryService(readDb);
  const liveState = new LiveStateService(settings, metrics, deps.db, deps.writers);
  const drift = new DriftService(files);
  const review = new ReviewService(readDb, files, liveState);
  return (caller) => {
    const bound = runner.for(caller);
    return {
      servers: new ServerService(bound, files, settings, deps.sharedFiles),
      relationships: new RelationshipService(bound, settings),
      scopes: new ScopeService(bound, settings),
      queries,
      liveState,
      drift,
      partnerDown: new PartnerDownService(bound, settings, liveState),
      review,
    };
  };
}
