import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DeconfigureAction, FailoverStatus, type PeerLiveState as PeerLiveStateValue, type PeerStateHistory } from '../../domain';
import { DhcpServer, Scope } from '../../entities';
import { Severity, type ConfigProblem as ConfigProblemValue } from '../../review';
import { PageInfo } from './pagination';


export { DeconfigureAction, FailoverStatus, Severity };

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
export class PeerLiveState implements PeerLiveStateValue, PeerStateHistory {
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

  @Field(() => DateTimeISOResolver, { description: 'When the answer (or the failure) came in' })
  checkedAt: string;

  @Field(() => DateTimeISOResolver, {
    nullable: true,
    description:
      "Since when the server has been in the state it last reported (the gateway's first poll that saw it; kept while the server cannot be reached); null until it has answered once",
  })
  stateSince: Date | null;

  @Field(() => DateTimeISOResolver, { nullable: true, description: 'The last time the gateway saw the server in partner-down; null if never' })
  lastPartnerDownAt: Date | null;
}

@ObjectType({ simpleResolvers: true, description: 'Live failover state of both partners, read over OMAPI (cached for a few seconds)' })
export class FailoverLiveState {
  @Field(() => PeerLiveState, { description: 'The primary server' })
  primary: PeerLiveState;

  @Field(() => PeerLiveState, { description: 'The secondary server' })
  secondary: PeerLiveState;
}

registerEnumType(Severity, {
  name: 'Severity',
  description: 'How bad a problem found by the review is',
  valuesConfig: {
    WARNING: { description: 'Failover works, but not as expected: clients may get different answers, or the gateway cannot see the server' },
    ERROR: { description: 'Failover cannot work as configured, or dhcpd refuses the file' },
  },
});

@ObjectType({ simpleResolvers: true, description: 'One problem the consistency review found in the files (or the live state) of a pair' })
export class ConfigProblem implements ConfigProblemValue {
  @Field({ description: 'What kind of problem: POOLS_DIFFER, SUBNET_STATEMENTS_DIFFER, PEER_DECLARATIONS_DIFFER, SCOPE_ON_ONE_SIDE, NO_OMAPI, CURRENT_FILE_INVALID, FILE_UNREADABLE, STATES_DISAGREE (the README says what to do about each)' })
  code: string;

  @Field(() => Severity, { description: 'How bad it is' })
  severity: Severity;

  @Field(() => DhcpServer, { nullable: true, description: 'The server whose file holds it; null when it lies between the two files' })
  server: DhcpServer | null;

  @Field(() => Scope, { nullable: true, description: 'The scope it concerns, if any' })
  scope: Scope | null;

  @Field({ description: 'What is wrong and what to do about it' })
  message: string;
}
