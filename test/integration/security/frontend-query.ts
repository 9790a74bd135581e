import { writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The frontend's nested query: every server with its relationships, their scopes on both servers with
 * the partner scope and the pools with their ranges, and each server's own scopes. The limits are chosen
 * so that this passes whatever the number of scopes (graphql-limits.test.ts runs it at 10,000).
 */
export const FRONTEND_QUERY = `query Frontend {
  servers {
    id name address configPath unmatchedFailoverPeers
    failoverRelationships {
      id name status percentage mclt port loadBalanceMaxSeconds maxResponseDelay maxUnackedUpdates
      primaryServer { id name }
      secondaryServer { id name }
      scopes {
        id network name enabled authority failoverRole
        server { id name }
        failoverPartner { id network enabled server { id name } }
        pools { id ranges { start end } failoverRelationship { id name } }
      }
    }
    scopes {
      id network name enabled authority failoverRole
      failoverRelationship { id name }
      pools { id ranges { start end } }
    }
  }
}`;

/**
 * Writes a failover pair's two files with `perServer` subnets each (10.x.y.0/24, one pool, in peer "big"),
 * ready for addServer to import as one relationship with 2 × perServer scopes.
 */
export function writeBigPair(configRoot: string, perServer: number, primary = '192.0.2.40', secondary = '192.0.2.41'): { primaryFile: string; secondaryFile: string } {
  const peer = (role: 'primary' | 'secondary') =>
    [
      'failover peer "big" {',
      `  ${role};`,
      `  address ${role === 'primary' ? primary : secondary};`,
      '  port 647;',
      `  peer address ${role === 'primary' ? secondary : primary};`,
      '  peer port 647;',
      '  max-response-delay 60;',
      '  max-unacked-updates 10;',
      ...(role === 'primary' ? ['  mclt 3600;', '  split 128;'] : []),
      '  load balance max seconds 3;',
      '}',
      '',
    ].join('\n');
  const subnets: string[] = [];
  for (let i = 0; i < perServer; i++) {
    const net = `10.${Math.floor(i / 250)}.${i % 250}`;
    subnets.push(`subnet ${net}.0 netmask 255.255.255.0 {\n  pool {\n    failover peer "big";\n    range ${net}.10 ${net}.200;\n  }\n}\n`);
  }
  const primaryFile = path.join(configRoot, 'big-p.conf');
  const secondaryFile = path.join(configRoot, 'big-s.conf');
  writeFileSync(primaryFile, `ddns-update-style none;\n${peer('primary')}${subnets.join('')}`);
  writeFileSync(secondaryFile, `ddns-update-style none;\n${peer('secondary')}${subnets.join('')}`);
  return { primaryFile, secondaryFile };
}
