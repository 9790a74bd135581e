import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { ApiToken } from '../entities/api-token';
import { checkName } from '../services/input';
import { Role, isRole } from './roles';

/** Every token the gateway makes starts with this, so a leaked one is recognisable (secret scanners, logs). */
const TOKEN_PREFIX = 'dfg_';

const TOKEN_SHAPE = /^dfg_[A-Za-z0-9_-]{43}$/;

/** A new token: the prefix and 32 random bytes in base64url (256 bits; no guessing, no need for a slow hash). */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Whether a presented token could be one the gateway made; anything else is refused without a database read. */
export function looksLikeToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

/**
 * What is stored: the SHA-256 of the token, as lowercase hex. A fast hash is the right tool for
 * high-entropy secrets (a slow password hash protects low-entropy ones against guessing, which
 * 256 random bits do not need); the database never holds anything that would let a reader call the API.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex digests (no early exit on the first differing byte). */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === 32 && y.length === 32 && timingSafeEqual(x, y);
}

export class TokenError extends Error {}

export interface CreatedToken {
  name: string;
  role: Role;
  /** the token itself: shown once, never stored */
  token: string;
}

/** The api_token table: create, list, revoke, and the lookup behind every authenticated request. */
export class TokenStore {
  constructor(private readonly db: DataSource) {}

  async create(name: string, role: string): Promise<CreatedToken> {
    try {
      checkName(name, 'name');
    } catch (e) {
      throw new TokenError((e as Error).message);
    }
    if (!isRole(role)) throw new TokenError(`role must be "viewer" or "admin", got "${role}"`);
    const repo = this.db.getRepository(ApiToken);
    if (await repo.existsBy({ name })) {
      throw new TokenError(`a token named "${name}" exists already (names of revoked tokens stay taken, so the audit log stays unambiguous)`);
    }
    const token = generateToken();
    await repo.insert({ name, role, tokenHash: hashToken(token), revokedAt: null, lastUsedAt: null });
    return { name, role, token };
  }

  list(): Promise<ApiToken[]> {
    return this.db.getRepository(ApiToken).find({ order: { id: 'ASC' } });
  }

  /** Takes effect on the next request: nothing caches tokens. */
  async revoke(name: string): Promise<ApiToken> {
    const repo = this.db.getRepository(ApiToken);
    const row = await repo.findOneBy({ name });
    if (!row) throw new TokenError(`no token named "${name}"`);
    if (row.revokedAt) throw new TokenError(`token "${name}" was revoked already, at ${row.revokedAt.toISOString()}`);
    row.revokedAt = new Date();
    await repo.update(row.id, { revokedAt: row.revokedAt });
    return row;
  }

  /** The active (not revoked) token with this text, or null. */
  async findActive(token: string): Promise<ApiToken | null> {
    if (!looksLikeToken(token)) return null;
    const hash = hashToken(token);
    const row = await this.db.getRepository(ApiToken).findOneBy({ tokenHash: hash, revokedAt: IsNull() });
    // The lookup is by the hash (an index); the comparison that decides is constant-time all the same.
    return row && sameHash(row.tokenHash, hash) ? row : null;
  }

  async hasActiveAdmin(): Promise<boolean> {
    return this.db.getRepository(ApiToken).existsBy({ role: 'admin', revokedAt: IsNull() });
  }

  /** Records use at most once a minute per token, so reading the API rarely writes. */
  async touch(row: ApiToken, now = new Date()): Promise<void> {
    if (row.lastUsedAt && now.getTime() - row.lastUsedAt.getTime() < 60_000) return;
    await this.db.getRepository(ApiToken).update(row.id, { lastUsedAt: now });
  }
}
