import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { parseCidr, parseIpv4 } from '../../net/ipv4';

/**
 * IPv4 addresses and CIDRs as scalars of their own, parsed by src/net/ipv4.ts (the rule the config engine uses
 * too), not by graphql-scalars' IPv4: that one takes leading zeros ("192.0.2.010", which some tools read as
 * octal) and a prefix length ("192.0.2.1/24") as an address, and graphql-scalars has no CIDR scalar.
 *
 * A value these refuse never reaches a resolver: in variables Apollo answers BAD_USER_INPUT, in a literal of
 * the document GRAPHQL_VALIDATION_FAILED, both with a message that names the value, where it is, and why.
 * What only the services can know (a CIDR off its boundary, a range outside its subnet) stays BAD_USER_INPUT
 * naming the field (src/services/input.ts).
 */
function textScalar(name: string, description: string, accepts: (text: string) => boolean, why: string): GraphQLScalarType<string, string> {
  const parse = (value: unknown): string => {
    if (typeof value !== 'string') throw new TypeError(`${name} is a string: ${why}`);
    if (!accepts(value)) throw new TypeError(why);
    return value;
  };
  return new GraphQLScalarType<string, string>({
    name,
    description,
    // What the gateway answers was parsed on the way in (from the API or a file): written out as it is.
    serialize: (value) => {
      if (typeof value !== 'string') throw new TypeError(`${name} cannot represent ${typeof value}`);
      return value;
    },
    parseValue: parse,
    parseLiteral: (ast: ValueNode) => parse(ast.kind === Kind.STRING ? ast.value : undefined),
    extensions: { codegenScalarType: 'string' },
  });
}

export const IPv4Scalar = textScalar(
  'IPv4',
  'An IPv4 address as a strict dotted quad, e.g. "192.0.2.10": four decimal numbers 0..255, no leading zeros',
  (text) => parseIpv4(text) !== null,
  'not an IPv4 address as a dotted quad like 192.0.2.10 (four numbers 0..255, no leading zeros, no prefix length)',
);

export const IPv4CidrScalar = textScalar(
  'IPv4CIDR',
  'An IPv4 network as address/prefix length, e.g. "192.0.2.0/24": a strict dotted quad, "/", and 0..32',
  (text) => parseCidr(text) !== null,
  'not an IPv4 CIDR like 192.0.2.0/24 (a dotted quad, "/", and a prefix length 0..32)',
);
