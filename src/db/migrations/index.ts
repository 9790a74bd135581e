import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { TokensAndAudit1764100000000 } from './1764100000000-tokens-and-audit';

/** In order of application; a new migration is appended here. */
export const migrations = [InitialSchema1764000000000, TokensAndAudit1764100000000];
