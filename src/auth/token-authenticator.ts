import type { DataSource } from 'typeorm';
import { Authenticator, adminTokenAuthenticator } from './authenticate';
import { TokenStore } from './tokens';

/**
 * GATEWAY_ADMIN_TOKEN (when set) and the tokens of the api_token table. Nothing is cached: a revoked
 * token is refused on the very next request.
 */
export function tokenAuthenticator(db: DataSource, adminToken: string | null): Authenticator {
  const fromEnvironment = adminTokenAuthenticator(adminToken);
  const store = new TokenStore(db);
  return {
    async authenticate(token) {
      if (!token) return null;
      const admin = await fromEnvironment.authenticate(token);
      if (admin) return admin;
      const row = await store.findActive(token);
      if (!row) return null;
      // last_used_at is a convenience for `npm run token -- list`; failing to write it must not refuse the caller.
      await store.touch(row).catch(() => undefined);
      return { name: row.name, role: row.role };
    },
  };
}
