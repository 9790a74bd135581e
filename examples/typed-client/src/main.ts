import { GatewayError, gatewayClient } from './client';
import { AddScopes, CreateRelationship, LiveState, MainScreen } from './operations';
import type { PeerLiveState } from './gql/graphql';

const USAGE = `usage: GATEWAY_TOKEN=dfg_... node examples/typed-client/dist/main.js [command]
  servers                              the main screen: servers, relationships, scopes and pools (default)
  create NAME PRIMARY SECONDARY        create an empty failover relationship
  add-scopes NAME SCOPE_ID...          put scopes (ids from "servers") into the relationship
  live NAME                            what both dhcpd servers report over OMAPI
GATEWAY_URL defaults to http://127.0.0.1:4000/graphql`;

async function main(args: string[]): Promise<void> {
  const token = process.env.GATEWAY_TOKEN;
  if (!token) throw new GatewayError(USAGE);
  const execute = gatewayClient(process.env.GATEWAY_URL ?? 'http://127.0.0.1:4000/graphql', token);
  const [command = 'servers', name, ...rest] = args;

  if (command === 'servers') {
    const { servers } = await execute(MainScreen);
    for (const server of servers) {
      console.log(`${server.name} ${server.address}`);
      for (const rel of server.failoverRelationships) {
        console.log(`  relationship ${rel.name} ${rel.status}: ${rel.primaryServer.name} -> ${rel.secondaryServer.name}`);
      }
      for (const scope of server.scopes) {
        const role = scope.failoverRole ? ` ${scope.failoverRole} in ${scope.failoverRelationship?.name}` : '';
        const pools = scope.pools.map((p) => p.ranges.map((r) => `${r.start}-${r.end}`).join(' ')).join(', ');
        console.log(`  scope ${scope.id} ${scope.network}${scope.enabled ? '' : ' (disabled)'}${role}${pools ? ` pools ${pools}` : ''}`);
      }
    }
  } else if (command === 'create' && name && rest.length === 2) {
    const [primaryServer, secondaryServer] = rest as [string, string];
    const { createFailoverRelationship: rel } = await execute(CreateRelationship, { input: { name, primaryServer, secondaryServer } });
    console.log(`created ${rel.name} ${rel.status} mclt ${rel.mclt} split ${rel.percentage}%`);
  } else if (command === 'add-scopes' && name && rest.length > 0) {
    const { addScopesToFailoverRelationship: rel } = await execute(AddScopes, { name, scopeIds: rest });
    console.log(`${rel.name} ${rel.status}`);
    for (const scope of rel.scopes) console.log(`  ${scope.network} ${scope.failoverRole} on ${scope.server.name}`);
  } else if (command === 'live' && name && rest.length === 0) {
    const { failoverRelationship: rel } = await execute(LiveState, { name });
    if (!rel) throw new GatewayError(`no relationship "${name}"`);
    if (!rel.liveState) return console.log(`${rel.name}: EMPTY, no server declares it yet`);
    console.log(`${rel.name} primary: ${describe(rel.liveState.primary)}`);
    console.log(`${rel.name} secondary: ${describe(rel.liveState.secondary)}`);
  } else {
    throw new GatewayError(USAGE);
  }
}

function describe(peer: Pick<PeerLiveState, 'reachable' | 'state' | 'partnerState' | 'error'>): string {
  return peer.reachable ? `${peer.state} (partner ${peer.partnerState})` : `unreachable: ${peer.error}`;
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof GatewayError ? e.message : e);
  process.exitCode = 1;
});
