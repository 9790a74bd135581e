import { ForbiddenError, UnauthenticatedError } from '../errors';

export type Role = 'viewer' | 'admin';

const RANK: Record<Role, number> = { viewer: 1, admin: 2 };

export function isRole(value: string): value is Role {
  return value in RANK;
}

export function hasRole(actual: Role, needed: Role): boolean {
  return RANK[actual] >= RANK[needed];
}

export interface Caller {
  /** the token's name, recorded with every change it makes */
  name: string;
  role: Role;
}

/** UNAUTHENTICATED without a caller, FORBIDDEN below `needed`: the rule of every @Authorized field (src/schema.ts). */
export function checkRole(caller: Caller | null, needed: Role): void {
  if (!caller) throw new UnauthenticatedError();
  if (!hasRole(caller.role, needed)) throw new ForbiddenError(`this needs the ${needed} role; the token has ${caller.role}`);
}
