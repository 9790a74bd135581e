import { AuditLogResolver } from './audit-log';
import { DhcpServerResolver } from './dhcp-server';
import { FailoverRelationshipResolver } from './failover-relationship';
import { PoolResolver } from './pool';
import { ScopeResolver } from './scope';
import { SubscriptionResolver } from './subscription';
import { FailoverRelationshipUtilizationResolver, PoolUtilizationResolver, ScopeUtilizationResolver } from './utilization';

export const resolvers = [
  DhcpServerResolver,
  FailoverRelationshipResolver,
  ScopeResolver,
  PoolResolver,
  AuditLogResolver,
  SubscriptionResolver,
  PoolUtilizationResolver,
  ScopeUtilizationResolver,
  FailoverRelationshipUtilizationResolver,
] as const;
