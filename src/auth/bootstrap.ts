import type { DataSource } from 'typeorm';
import { ApiToken } from '../entities/api-token';
import { CreatedToken, TokenStore } from './tokens';

export const BOOTSTRAP_NAME = 'bootstrap-admin';

/**
 * First start without any admin: creates one admin token and returns it (to be printed once); only its
 * hash is kept. Returns null when GATEWAY_ADMIN_TOKEN is set or an active admin token exists, so the
 * service is never open by accident and a restart never mints another token.
 */
export async function ensureBootstrapAdmin(db: DataSource, adminToken: string | null): Promise<CreatedToken | null> {
  if (adminToken) return null;
  const store = new TokenStore(db);
  if (await store.hasActiveAdmin()) return null;
  // Names of revoked tokens stay taken; the next free one is bootstrap-admin-2, -3, …
  const taken = new Set((await db.getRepository(ApiToken).find({ select: { name: true } })).map((t) => t.name));
  let name = BOOTSTRAP_NAME;
  for (let n = 2; taken.has(name); n++) name = `${BOOTSTRAP_NAME}-${n}`;
  return store.create(name, 'admin');
}

/** What `npm start` prints, once, on stdout. */
export function bootstrapNotice(created: CreatedToken): string {
  const rule = '='.repeat(78);
  return [
    rule,
    'No admin token was configured (GATEWAY_ADMIN_TOKEN is unset and the database has none),',
    `so an admin token named "${created.name}" was created. It is shown ONLY THIS ONCE;`,
    'the gateway keeps only its SHA-256 hash. Store it somewhere safe now:',
    '',
    `  ADMIN TOKEN: ${created.token}`,
    '',
    `  use it as:   Authorization: Bearer ${created.token}`,
    '  more tokens: npm run token -- create --role viewer --name <name>',
    `  revoke it:   npm run token -- revoke --name ${created.name}`,
    rule,
  ].join('\n');
}
