import type { DataSource } from 'typeorm';
import type { ChangeSetDeps } from '../config-sync/apply/change-set';
import type { Settings } from '../config';
import type { Metrics } from '../metrics';
import { LiveStateService } from './live-state';
import { MutationRunner } from './mutation-runner';
import { QueryService } from './queries';
import { RelationshipService } from './relationships';
import { ScopeService } from './scopes';
import { ServerService } from './servers';

export interface Services {
  servers: ServerService;
  relationships: RelationshipService;
  scopes: ScopeService;
  queries: QueryService;
  liveState: LiveStateService;
}

/** `readDb`: the connection queries read through (see openReadDatabase). */
export function createServices(db: DataSource, readDb: DataSource, files: ChangeSetDeps, settings: Settings, metrics: Metrics): Services {
  const runner = new MutationRunner(db, files);
  return {
    servers: new ServerService(runner, files, settings),
    relationships: new RelationshipService(runner, settings),
    scopes: new ScopeService(runner, settings),
    queries: new QueryService(readDb),
    liveState: new LiveStateService(settings, metrics),
  };
}
