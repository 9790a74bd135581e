import { AuditLogResolver } from './audit-log';
import { DhcpServerResolver } from './dhcp-server';
import { FailoverRelationshipResolver } from './failover-relationship';
import { NodeResolver } from './node';
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
  NodeResolver,
  SubscriptionResolver,
  PoolUtilizationResolver,
  ScopeUtilizationResolver,
  FailoverRelationshipUtilizationResolver,
] as const;
