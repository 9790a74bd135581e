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
