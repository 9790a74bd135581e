import { AuditLogResolver } from './audit-log';
import { DhcpServerResolver } from './dhcp-server';
import { FailoverRelationshipResolver } from './failover-relationship';
import { PoolResolver } from './pool';
import { ScopeResolver } from './scope';

export const resolvers = [DhcpServerResolver, FailoverRelationshipResolver, ScopeResolver, PoolResolver, AuditLogResolver] as const;
