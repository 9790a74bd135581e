import type DataLoader from 'dataloader';
import type { FieldNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import type { DhcpServer, FailoverRelationship, Pool, Scope } from '../entities';
import type { Loaders } from '.';

interface Parents {
  server: DhcpServer;
  relationship: FailoverRelationship;
  scope: Scope;
  pool: Pool;
}
type Kind = keyof Parents;

/** A field that follows a relation: the loader that reads it, the key of a parent (null: nothing to read) and what the children are. */
interface Edge<P> {
  loader(l: Loaders): DataLoader<number, unknown>;
  key(parent: P): number | null;
  children: Kind | null;
}
const edge = <P>(loader: Edge<P>['loader'], key: Edge<P>['key'], children: Kind | null): Edge<P> => ({ loader, key, children });

/** The relations field resolvers follow (src/resolvers), by type and field; each one's `known` read comes from here. */
const EDGES: { [K in Kind]: Record<string, Edge<Parents[K]>[]> } = {
  server: {
    scopes: [edge((l) => l.scopesByServer, (s) => s.id, 'scope')],
    failoverRelationships: [edge((l) => l.relationshipsByServer, (s) => s.id, 'relationship')],
  },
  relationship: {
    primaryServer: [edge((l) => l.server, (r) => r.primaryServerId, 'server')],
    secondaryServer: [edge((l) => l.server, (r) => r.secondaryServerId, 'server')],
    status: [edge((l) => l.scopeCountByRelationship, (r) => r.id, null)],
    scopes: [edge((l) => l.scopesByRelationship, (r) => r.id, 'scope')],
  },
  scope: {
    server: [edge((l) => l.server, (s) => s.serverId, 'server')],
    authority: [edge((l) => l.relationship, (s) => s.failoverRelationshipId, null), edge((l) => l.server, (s) => (s.failoverRelationshipId === null ? s.serverId : null), null)],
    failoverRelationship: [edge((l) => l.relationship, (s) => s.failoverRelationshipId, 'relationship')],
    failoverPartner: [edge((l) => l.partnerScope, (s) => (s.failoverRelationshipId === null ? null : s.id), 'scope')],
    pools: [edge((l) => l.poolsByScope, (s) => s.id, 'pool')],
    utilization: [edge((l) => l.poolsByScope, (s) => s.id, null)],
  },
  pool: {
    scope: [edge((l) => l.scope, (p) => p.scopeId, 'scope')],
  },
};

/**
 * Look-ahead: reads, before any field resolver runs, every relation the selection set below `info`'s field asks
 * for, one batched statement per relation and level (so the count depends on the query, never on the data), and
 * remembers the rows by key so that the field resolvers answer synchronously from them. The reads bypass the
 * DataLoaders (no promise per key) and hand the event loop back every few thousand rows (src/db/row-reader.ts).
 */
export async function prefetch<K extends Kind>(loaders: Loaders, info: GraphQLResolveInfo, kind: K, parents: readonly Parents[K][]): Promise<void> {
  // The parents themselves, by id: a relation back to them (a relationship's primaryServer) reads nothing.
  const self = loaders[kind] as unknown as DataLoader<number, Parents[K] | null>;
  for (const p of parents) self.prime(p.id, p);
  loaders.remember(self, new Map(parents.map((p) => [p.id, p])));
  await level(loaders, info, kind, parents, info.fieldNodes);
}

async function level(loaders: Loaders, info: GraphQLResolveInfo, kind: Kind, parents: readonly object[], nodes: readonly FieldNode[]): Promise<void> {
  for (const [name, below] of subfields(info, nodes)) {
    for (const { loader, key, children } of edgesOf(kind, name)) {
      const l = loader(loaders);
      const keys = new Set<number>();
      for (const p of parents) {
        const k = key(p);
        if (k !== null) keys.add(k);
      }
      // What is known already (the parents of the root field, a relation read at another level) is not read again.
      const unread = [...keys].filter((k) => loaders.known(l, k) === undefined);
      if (unread.length > 0) await loaders.read(l, unread);
      // The children are gathered only when the selection below them follows a relation of theirs.
      if (!children || ![...subfields(info, below).keys()].some((field) => edgesOf(children, field).length > 0)) continue;
      const next: object[] = [];
      for (const k of keys) {
        const v = loaders.known(l, k);
        if (Array.isArray(v)) for (const child of v) next.push(child);
        else if (v != null) next.push(v as object);
      }
      await level(loaders, info, children, next, below);
    }
  }
}

function edgesOf(kind: Kind, field: string): Edge<object>[] {
  return (EDGES[kind] as Record<string, Edge<object>[]>)[field] ?? [];
}

/** The GraphQL object types whose fields EDGES lists. */
const KINDS: Record<string, Kind> = { DhcpServer: 'server', FailoverRelationship: 'relationship', Scope: 'scope', Pool: 'pool' };

/**
 * The related object or list a relation field of `typeName` resolves to, as its resolver finds it after a prefetch:
 * `known` of its loader (undefined: not read), null where the parent has no key. Null when the field is no relation.
 */
export function relationRead(typeName: string, field: string): ((parent: object, loaders: Loaders) => unknown) | null {
  const kind = KINDS[typeName];
  const relation = kind ? edgesOf(kind, field).find((e) => e.children !== null) : undefined;
  if (!relation) return null;
  return (parent, loaders) => {
    const key = relation.key(parent);
    return key === null ? null : loaders.known(relation.loader(loaders), key);
  };
}

/** The fields asked for under `nodes`, by name, fragments merged: a superset (type conditions and @skip are not looked at), which at worst reads a relation no field uses. */
function subfields(info: GraphQLResolveInfo, nodes: readonly FieldNode[]): Map<string, FieldNode[]> {
  const found = new Map<string, FieldNode[]>();
  const visit = (set: SelectionSetNode | undefined) => {
    for (const s of set?.selections ?? []) {
      if (s.kind === 'Field') found.set(s.name.value, [...(found.get(s.name.value) ?? []), s]);
      else visit(s.kind === 'InlineFragment' ? s.selectionSet : info.fragments[s.name.value]?.selectionSet);
    }
  };
  for (const n of nodes) visit(n.selectionSet);
  return found;
}
