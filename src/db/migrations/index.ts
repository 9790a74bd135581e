import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { TokensAndAudit1764100000000 } from './1764100000000-tokens-and-audit';
import { FileStates1764200000000, JournalTable1764200000001 } from './1764200000000-file-states';
import { PeerStateHistory1764300000000 } from './1764300000000-peer-state-history';
import { ServerTransport1764400000000 } from './1764400000000-server-transport';
import { JournalEntriesDeleted1764500000000 } from './1764500000000-journal-entries-deleted';

/** In order of application; a new migration is appended here. */
export const migrations = [InitialSchema1764000000000, TokensAndAudit1764100000000, FileStates1764200000000, PeerStateHistory1764300000000, ServerTransport1764400000000];

/** The journal's table: in the gateway's database on PostgreSQL, in a file of its own on SQLite. */
export const journalMigrations = [JournalTable1764200000001, JournalEntriesDeleted1764500000000];
