import type { EntityManager } from 'typeorm';
import { DhcpServer, FailoverRelationship, Pool, Scope } from '../entities';
import { NotFoundError } from '../errors';
import { rowIdOf } from '../global-id';

/** Finders that turn a caller's reference into a row or a NOT_FOUND error. */

export async function serverByName(tx: EntityManager, name: string): Promise<DhcpServer> {
  const server = typeof name === 'string' ? await tx.findOneBy(DhcpServer, { name }) : null;
  if (!server) throw new NotFoundError(`no server named "${shorten(name)}"`);
  return server;
}

export async function serverById(tx: EntityManager, id: number): Promise<DhcpServer> {
  const server = await tx.findOneBy(DhcpServer, { id });
  if (!server) throw new NotFoundError(`no server with id ${id}`);
  return server;
}

export async function relationshipByName(tx: EntityManager, name: string): Promise<FailoverRelationship> {
  const rel = typeof name === 'string' ? await tx.findOneBy(FailoverRelationship, { name }) : null;
  if (!rel) throw new NotFoundError(`no failover relationship named "${shorten(name)}"`);
  return rel;
}

/** A global id (src/global-id.ts) that is malformed or names another type's object is as unknown as a missing one. */
export async function scopeById(tx: EntityManager, id: string): Promise<Scope> {
  const n = rowIdOf('Scope', id);
  const scope = n === null ? null : await tx.findOneBy(Scope, { id: n });
  if (!scope) throw new NotFoundError(`no scope with id "${shorten(id)}"`);
  return scope;
}

export async function poolById(tx: EntityManager, id: string): Promise<Pool> {
  const n = rowIdOf('Pool', id);
  const pool = n === null ? null : await tx.findOneBy(Pool, { id: n });
  if (!pool) throw new NotFoundError(`no pool with id "${shorten(id)}"`);
  return pool;
}

export function poolsOf(tx: EntityManager, scopeId: number): Promise<Pool[]> {
  return tx.find(Pool, { where: { scopeId }, order: { position: 'ASC' } });
}

function shorten(s: unknown): string {
  const text = String(s);
  return (text.length > 64 ? text.slice(0, 64) + '…' : text).replace(/[\u0000-\u001f"\\]/g, '?');
}
