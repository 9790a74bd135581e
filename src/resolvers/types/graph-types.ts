import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DeconfigureAction, FailoverStatus, type PeerLiveState as PeerLiveStateValue } from '../../domain';
import { Scope } from '../../entities';
import { PageInfo } from './pagination';

export { DeconfigureAction, FailoverStatus };

registerEnumType(FailoverStatus, {
  name: 'FailoverStatus',
  description: 'EMPTY while no scope is in the relationship, NORMAL once one is',
});

registerEnumType(DeconfigureAction, {
  name: 'DeconfigureAction',
  description: "What happens to the secondary server's copy of a scope taken out of a relationship",
  valuesConfig: {
    DELETE_SECONDARY_SCOPE: { description: "The secondary's subnet declaration is removed" },
    DISABLE_SECONDARY_SCOPE: { description: "The secondary's subnet stays declared but hands out no address" },
  },
});


@ObjectType({ simpleResolvers: true, description: 'A scope with its cursor' })
export class ScopeEdge {
  @Field({ description: 'Opaque cursor of this scope' })
  cursor: string;

  @Field(() => Scope, { description: 'The scope' })
  node: Scope;
}

@ObjectType({ simpleResolvers: true, description: 'A page of scopes' })
export class ScopeConnection {
  @Field(() => [ScopeEdge], { description: 'The scopes of this page' })
  edges: ScopeEdge[];

  @Field(() => PageInfo, { description: 'Where this page stands' })
  pageInfo: PageInfo;

  @Field(() => Int, { description: 'Number of scopes that match the filter, over all pages' })
  totalCount: number;
}

@ObjectType({ simpleResolvers: true, description: 'What one dhcpd says about the relationship over OMAPI' })
export class PeerLiveState implements PeerLiveStateValue {
  @Field({ description: 'Whether the server answered with its failover state' })
  reachable: boolean;

  @Field(() => String, {
    nullable: true,
    description:
      "dhcpd's own name for its local failover state (normal, communications-interrupted, partner-down, recover, recover-wait, recover-done, potential-conflict, conflict-done, resolution-interrupted, startup, shutdown, paused); null when unreachable",
  })
  state: string | null;

  @Field(() => String, { nullable: true, description: 'The state this server last heard from its partner; null when unreachable' })
  partnerState: string | null;

  @Field(() => String, { nullable: true, description: 'Why the state could not be read' })
  error: string | null;

  @Field({ description: 'When the answer (or the failure) came in, ISO 8601' })
  checkedAt: string;
}

@ObjectType({ simpleResolvers: true, description: 'Live failover state of both partners, read over OMAPI (cached for a few seconds)' })
export class FailoverLiveState {
  @Field(() => PeerLiveState, { description: 'The primary server' })
  primary: PeerLiveState;

  @Field(() => PeerLiveState, { description: 'The secondary server' })
  secondary: PeerLiveState;
}
