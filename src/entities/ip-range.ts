import { Field, ObjectType } from 'type-graphql';
import type { IpRange as IpRangeValue } from '../domain';
import { IPv4Scalar } from '../resolvers/types/scalars';

@ObjectType({ simpleResolvers: true, description: 'An inclusive range of IPv4 addresses (one dhcpd `range` statement)' })
export class IpRange implements IpRangeValue {
  @Field(() => IPv4Scalar, { description: 'First address' })
  start: string;

  @Field(() => IPv4Scalar, { description: 'Last address' })
  end: string;
}
