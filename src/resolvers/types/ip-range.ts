import { Field, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'An inclusive range of IPv4 addresses (one dhcpd `range` statement)' })
export class IpRange {
  @Field({ description: 'First address' })
  start: string;

  @Field({ description: 'Last address' })
  end: string;
}
