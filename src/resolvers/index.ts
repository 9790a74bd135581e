import { AuditLogResolver } from './audit-log';
import { DhcpServerResolver } from './dhcp-server';
import { FailoverRelationshipResolver } from './failover-relationship';
import { PoolResolver } from './pool';
import { ScopeResolver } from './scope';
import { SubscriptionResolver } from './subscription';

export const resolvers = [DhcpServerResolver, FailoverRelationshipResolver, ScopeResolver, PoolResolver, AuditLogResolver, SubscriptionResolver] as const;
