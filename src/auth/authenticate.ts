import { createHash, timingSafeEqual } from 'node:crypto';
import type { Caller } from './roles';

/** Tokens are compared as SHA-256 digests in constant time: equal length, no early exit on the first difference. */
export function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function sameDigest(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header ?? '');
  return match ? match[1] : null;
}

export interface Authenticator {
  authenticate(token: string | null): Promise<Caller | null>;
}

/** The bootstrap admin from GATEWAY_ADMIN_TOKEN. */
export function adminTokenAuthenticator(adminToken: string | null): Authenticator {
  const expected = adminToken ? digest(adminToken) : null;
  return {
    async authenticate(token) {
      if (!token || !expected) return null;
      return sameDigest(digest(token), expected) ? { name: 'admin (GATEWAY_ADMIN_TOKEN)', role: 'admin' } : null;
    },
  };
}
