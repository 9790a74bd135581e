import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { Transport } from '../../domain';
import { PAGE_SIZE } from '../../pagination';
import { IPv4CidrScalar, IPv4Scalar } from './scalars';

@InputType({ description: 'An inclusive range of IPv4 addresses' })
export class IpRangeInput {
  @Field(() => IPv4Scalar, { description: 'First address' })
  start: string;

  @Field(() => IPv4Scalar, { description: 'Last address, not below start' })
  end: string;
}

@InputType({ description: 'A pool: one or more ranges inside the scope' })
export class PoolInput {
  @Field(() => [IpRangeInput], { description: 'Ranges of the pool, inside the subnet and not overlapping' })
  ranges: IpRangeInput[];
}

@InputType({ description: 'A DHCP server to register; its file is imported when it exists' })
export class AddServerInput {
  @Field({ description: 'Unique name: a plain identifier' })
  name: string;

  @Field(() => IPv4Scalar, { description: 'IPv4 address the server uses for failover traffic' })
  address: string;

  @Field({ description: "Path of the server's dhcpd.conf, absolute or relative to CONFIG_ROOT (LOCAL) or remoteRoot (SSH), and under it" })
  configPath: string;

  @Field(() => Transport, { nullable: true, defaultValue: Transport.LOCAL, description: "How the gateway reaches the server's files; SSH needs the server's ssh settings in GATEWAY_SERVERS_FILE" })
  transport?: Transport | null;
}

@InputType({ description: 'A new scope (subnet) on a server' })
export class CreateScopeInput {
  @Field({ description: 'Name of the server' })
  server: string;

  @Field(() => IPv4CidrScalar, { description: 'CIDR on its network boundary, e.g. "192.0.2.0/24"' })
  network: string;

  @Field(() => String, { nullable: true, description: 'Optional name: a plain identifier' })
  name?: string | null;

  @Field(() => [PoolInput], { nullable: true, description: 'Pools of the scope' })
  pools?: PoolInput[] | null;

  @Field(() => String, { nullable: true, description: 'Failover relationship to put the scope in at once (it needs a pool)' })
  failoverRelationship?: string | null;
}

@InputType({ description: 'A pool to add to a scope' })
export class AddPoolInput {
  @Field(() => ID, { description: 'Global id of the scope' })
  scopeId: string;

  @Field(() => [IpRangeInput], { description: 'Ranges of the pool' })
  ranges: IpRangeInput[];
}

@InputType({ description: 'A new failover relationship; unset values take the defaults' })
export class CreateFailoverRelationshipInput {
  @Field({ description: 'Unique name: a plain identifier, used as the `failover peer` name' })
  name: string;

  @Field({ description: 'Name of the primary server' })
  primaryServer: string;

  @Field({ description: 'Name of the secondary server' })
  secondaryServer: string;

  @Field(() => Int, { nullable: true, description: "Primary's share of the load, 0..100 (default 50)" })
  percentage?: number;

  @Field(() => Int, { nullable: true, description: 'Maximum client lead time in seconds (default 3600)' })
  mclt?: number;

  @Field(() => Int, { nullable: true, description: 'Failover port, 1..65535 (default 647)' })
  port?: number;

  @Field(() => Int, { nullable: true, description: 'load balance max seconds (default 3)' })
  loadBalanceMaxSeconds?: number;

  @Field(() => Int, { nullable: true, description: 'max-response-delay in seconds (default 60)' })
  maxResponseDelay?: number;

  @Field(() => Int, { nullable: true, description: 'max-unacked-updates (default 10)' })
  maxUnackedUpdates?: number;
}

@InputType({ description: 'Changes to a failover relationship; unset fields stay as they are' })
export class ModifyFailoverRelationshipInput {
  @Field({ description: 'The relationship to change' })
  name: string;

  @Field(() => String, { nullable: true, description: 'New primary server (a swap is always allowed; other servers only while EMPTY)' })
  primaryServer?: string | null;

  @Field(() => String, { nullable: true, description: 'New secondary server' })
  secondaryServer?: string | null;

  @Field(() => Int, { nullable: true, description: "Primary's share of the load, 0..100" })
  percentage?: number;

  @Field(() => Int, { nullable: true, description: 'Maximum client lead time in seconds' })
  mclt?: number;

  @Field(() => Int, { nullable: true, description: 'Failover port, 1..65535' })
  port?: number;

  @Field(() => Int, { nullable: true, description: 'load balance max seconds' })
  loadBalanceMaxSeconds?: number;

  @Field(() => Int, { nullable: true, description: 'max-response-delay in seconds' })
  maxResponseDelay?: number;

  @Field(() => Int, { nullable: true, description: 'max-unacked-updates' })
  maxUnackedUpdates?: number;
}

@ArgsType()
export class ScopesArgs {
  @Field(() => String, { nullable: true, description: 'Only scopes on this server' })
  server?: string | null;

  @Field(() => String, { nullable: true, description: 'Only scopes in this failover relationship' })
  failoverRelationship?: string | null;

  @Field(() => Int, { nullable: true, description: `Page size, 0..${PAGE_SIZE.max} (default ${PAGE_SIZE.default})` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts' })
  after?: string | null;
}
