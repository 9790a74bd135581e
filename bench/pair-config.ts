/** The generated failover pair that npm run bench and the scale tests use. */

export const PEER = 'bench';

/** Loopback: a query that probes the pair (liveState over OMAPI) never leaves the machine. */
export const PAIR_ADDRESSES = { primary: '127.0.0.11', secondary: '127.0.0.12' };

/**
 * One server's file of a generated failover pair: `subnets` /24s with two pools each; the pools of every
 * other subnet (or of all, with `inRelationship: 'all'`) carry the peer statement.
 */
export function pairConfig(role: 'primary' | 'secondary', subnets: number, inRelationship: 'half' | 'all' = 'half'): string {
  const [self, partner] = role === 'primary' ? [PAIR_ADDRESSES.primary, PAIR_ADDRESSES.secondary] : [PAIR_ADDRESSES.secondary, PAIR_ADDRESSES.primary];
  const out = [
    `# generated failover pair: ${role}, ${subnets} subnets`,
    'ddns-update-style none;',
    '',
    `failover peer "${PEER}" {`,
    `  ${role};`,
    `  address ${self};`,
    '  port 647;',
    `  peer address ${partner};`,
    '  peer port 647;',
    '  max-response-delay 60;',
    '  max-unacked-updates 10;',
    ...(role === 'primary' ? ['  mclt 3600;', '  split 128;'] : []),
    '  load balance max seconds 3;',
    '}',
    '',
  ];
  for (let i = 0; i < subnets; i++) {
    const net = `10.${i >> 8}.${i & 255}`;
    const peer = inRelationship === 'all' || i % 2 === 0 ? [`    failover peer "${PEER}";`] : [];
    out.push(
      `subnet ${net}.0 netmask 255.255.255.0 {`,
      `  option routers ${net}.1;`,
      '  pool {',
      ...peer,
      `    range ${net}.10 ${net}.99;`,
      '  }',
      '  pool {',
      ...peer,
      `    range ${net}.100 ${net}.199;`,
      '  }',
      '}',
    );
  }
  return out.join('\n') + '\n';
}

export const NESTED_QUERY = `{
  servers {
    name
    failoverRelationships { name status percentage primaryServer { name } }
    scopes { id network authority enabled failoverRole pools { id ranges { start end } } }
  }
}`;
