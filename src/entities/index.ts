import { ApiToken } from './api-token';
import { AuditEntry } from './audit-entry';
import { DhcpServer } from './dhcp-server';
import { FailoverRelationship } from './failover-relationship';
import { PeerStateHistoryRow } from './peer-state-history';
import { Pool } from './pool';
import { Scope } from './scope';

export { ApiToken, AuditEntry, DhcpServer, FailoverRelationship, PeerStateHistoryRow, Pool, Scope };
export const entities = [DhcpServer, FailoverRelationship, Scope, Pool, ApiToken, AuditEntry, PeerStateHistoryRow];
