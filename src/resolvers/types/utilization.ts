import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { UtilizationLevel, type Utilization as UtilizationValue } from '../../leases';

export { UtilizationLevel };

registerEnumType(UtilizationLevel, {
  name: 'UtilizationLevel',
  description: "How full the addresses are, against the operator's thresholds (servers.<name>.utilization)",
  valuesConfig: {
    OK: { description: 'Below warningPercent' },
    WARNING: { description: 'At or above warningPercent (default 80), below criticalPercent' },
    CRITICAL: { description: 'At or above criticalPercent (default 95)' },
  },
});

@ObjectType({
  simpleResolvers: true,
  description: "Addresses by the state of their last lease record (the last record of an address wins, as in dhcpd); size = active + free + backup + expired + abandoned",
})
export class Utilization implements UtilizationValue {
  @Field(() => Int, { description: "Addresses in the pools' ranges, each once" })
  size: number;

  @Field(() => Int, { description: 'Addresses whose last record is active (or bootp/reserved: bound to one client)' })
  active: number;

  @Field(() => Int, { description: 'Addresses with no record, or whose last record is free, released or reset' })
  free: number;

  @Field(() => Int, { description: "Addresses whose last record is backup: free for the failover secondary to hand out, not in use" })
  backup: number;

  @Field(() => Int, { description: 'Addresses whose last record is expired' })
  expired: number;

  @Field(() => Int, { description: 'Addresses whose last record is abandoned (dhcpd found them in use by someone else)' })
  abandoned: number;

  @Field(() => Float, { description: 'active / size × 100; 0 when size is 0' })
  percent: number;

  @Field(() => DateTimeISOResolver, { description: 'When the lease file was read (for a pair, the older of the two reads)' })
  readAt: Date;

  @Field(() => UtilizationLevel, { description: "percent against the operator's warning and critical thresholds" })
  level: UtilizationLevel;
}
