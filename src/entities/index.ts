import { ApiToken } from './api-token';
import { AuditEntry } from './audit-entry';
import { DhcpServer } from './dhcp-server';
import { FailoverRelationship } from './failover-relationship';
import { FileState } from './file-state';
import { JournalCommit, JournalEntry } from './journal-entry';
import { PeerStateHistoryRow } from './peer-state-history';
import { Pool } from './pool';
import { Scope } from './scope';

export { ApiToken, AuditEntry, DhcpServer, FailoverRelationship, FileState, JournalCommit, JournalEntry, PeerStateHistoryRow, Pool, Scope };
export const entities = [DhcpServer, FailoverRelationship, Scope, Pool, ApiToken, AuditEntry, FileState, JournalEntry, JournalCommit, PeerStateHistoryRow];
