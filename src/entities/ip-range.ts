import { Field, ObjectType } from 'type-graphql';
import type { IpRange as IpRangeValue } from '../domain';

@ObjectType({ simpleResolvers: true, description: 'An inclusive range of IPv4 addresses (one dhcpd `range` statement)' })
export class IpRange implements IpRangeValue {
  @Field({ description: 'First address' })
  start: string;

  @Field({ description: 'Last address' })
  end: string;
}
