import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { TokensAndAudit1764100000000 } from './1764100000000-tokens-and-audit';
import { PeerStateHistory1764200000000 } from './1764200000000-peer-state-history';

/** In order of application; a new migration is appended here. */
export const migrations = [InitialSchema1764000000000, TokensAndAudit1764100000000, PeerStateHistory1764200000000];
