/**
 * The failover-pair scenario shared by `npm run demo:pair` (demo/pair.ts) and its test
 * (test/integration/live-state/api-pair.test.ts): two servers in a NetnsLab, configured through the GraphQL API
 * only, then watched through `FailoverRelationship.liveState`.
 *
 * It knows nothing about how the gateway was started: it gets a function that runs one GraphQL operation, and an
 * optional observer that sees every operation with its answer (the demo prints them, the test does not).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { NetnsLab } from './netns-lab';
import type { PeerLiveState } from '../src/live-state';

/** Runs one GraphQL operation that must succeed and returns its `data`. */
export type RunGraphQL = <T = Record<string, any>>(query: string, variables?: Record<string, unknown>) => Promise<T>;

/** Sees every operation the scenario runs, with its answer. */
export type StepObserver = (step: { title: string; query: string; variables: Record<string, unknown>; data: unknown }) => void;

export interface PairServer {
  /** name in the gateway, and the key of its entry in GATEWAY_SERVERS_FILE */
  name: string;
  /** NetnsLab node it runs on */
  node: 'primary' | 'secondary';
  /** configPath, relative to CONFIG_ROOT */
  configFile: string;
  /** OMAPI port dhcpd listens on; set server-side, written into the file by the gateway */
  omapiPort: number;
}

export const RELATIONSHIP = 'lab';
export const NETWORK = '198.51.100.0/24';
export const POOL = { start: '198.51.100.100', end: '198.51.100.150' } as const;
/** Lab nodes, in address order: primary .1, secondary .2, and a namespace for a DHCP client (.3). */
export const LAB_NODES = ['primary', 'secondary', 'client'] as const;

// The secondary listens for OMAPI on a non-default port, so the per-server port setting is exercised too.
export const PRIMARY: PairServer = { name: 'dhcp-primary', node: 'primary', configFile: 'dhcp-primary.conf', omapiPort: 7911 };
export const SECONDARY: PairServer = { name: 'dhcp-secondary', node: 'secondary', configFile: 'dhcp-secondary.conf', omapiPort: 7912 };

const HEADER = `authoritative;
ddns-update-style none;
default-lease-time 600;
max-lease-time 1200;
`;

/**
 * What the operator's files say before the gateway touches them: dhcpd needs a subnet declaration for the
 * interface it listens on, so both have the lab's subnet; only the primary's has a pool.
 */
export function baseConfig(server: PairServer): string {
  if (server.node === 'primary') {
    return `# ${server.name}: DHCP server on ${NETWORK} (lab node "primary").
${HEADER}
subnet 198.51.100.0 netmask 255.255.255.0 {
  option routers 198.51.100.254;
  pool {
    range ${POOL.start} ${POOL.end};
  }
}
`;
  }
  return `# ${server.name}: DHCP server on ${NETWORK} (lab node "secondary").
${HEADER}
# The subnet of the interface dhcpd listens on; its pools come from the primary.
subnet 198.51.100.0 netmask 255.255.255.0 {
  option routers 198.51.100.254;
}
`;
}

/** Writes both base files into CONFIG_ROOT (refusing to overwrite anything). */
export function writeBaseConfigs(configRoot: string): void {
  for (const server of [PRIMARY, SECONDARY]) {
    const file = path.join(configRoot, server.configFile);
    if (existsSync(file)) throw new Error(`${file} exists already`);
    writeFileSync(file, baseConfig(server));
  }
}

export interface ServersFile {
  /** path to pass as GATEWAY_SERVERS_FILE */
  path: string;
  /** the primary's OMAPI key, fresh for every run */
  primaryKey: { name: string; algorithm: 'hmac-md5'; secret: string };
}

/**
 * The operator's GATEWAY_SERVERS_FILE: the primary with an HMAC-MD5 OMAPI key (generated here), the secondary
 * without a key on port 7912. Keys and ports are server-side settings, never API fields. `more`: further settings
 * of a server's entry (demo:pair --ssh adds how it is reached).
 */
export function writeServersFile(dir: string, more: (server: PairServer) => Record<string, unknown> = () => ({})): ServersFile {
  const primaryKey = { name: 'gw_omapi', algorithm: 'hmac-md5' as const, secret: randomBytes(16).toString('base64') };
  const content = {
    defaults: { omapiPort: 7911 },
    servers: {
      [PRIMARY.name]: { omapiPort: PRIMARY.omapiPort, omapiKey: primaryKey, ...more(PRIMARY) },
      [SECONDARY.name]: { omapiPort: SECONDARY.omapiPort, ...more(SECONDARY) },
    },
  };
  const file = path.join(dir, 'gateway-servers.json');
  writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  return { path: file, primaryKey };
}

const ADD_SERVER = `mutation AddServer($input: AddServerInput!) {
  addServer(input: $input) { id name address configPath scopes { id network pools { ranges { start end } } } }
}`;

const CREATE_RELATIONSHIP = `mutation CreateRelationship($input: CreateFailoverRelationshipInput!) {
  createFailoverRelationship(input: $input) { name status primaryServer { name } secondaryServer { name } mclt port maxResponseDelay }
}`;

const ADD_SCOPES = `mutation AddScopes($name: String!, $scopeIds: [ID!]!) {
  addScopesToFailoverRelationship(name: $name, scopeIds: $scopeIds) {
    name status
    scopes { id network failoverRole server { name } pools { ranges { start end } failoverRelationship { name } } }
  }
}`;

export const LIVE_STATE = `query LiveState($name: String!) {
  failoverRelationship(name: $name) {
    liveState {
      primary { reachable state partnerState error checkedAt }
      secondary { reachable state partnerState error checkedAt }
    }
  }
}`;

export interface LiveState {
  primary: PeerLiveState;
  secondary: PeerLiveState;
}

/**
 * Registers both servers (the gateway imports their files), creates the relationship and puts the primary's
 * scope into it; the gateway then writes the peer declarations, the peer statement in the pool, the secondary's
 * pool and the OMAPI settings into both files. Everything goes through the API.
 */
/** `input`: more fields of both servers' AddServerInput, e.g. `{ transport: 'SSH' }` (demo:pair --ssh). */
export async function configurePair(gql: RunGraphQL, lab: Pick<NetnsLab, 'address'>, observe: StepObserver = () => {}, input: Record<string, unknown> = {}): Promise<void> {
  const step = async <T>(title: string, query: string, variables: Record<string, unknown>): Promise<T> => {
    const data = await gql<T>(query, variables);
    observe({ title, query, variables, data });
    return data;
  };
  type Added = { addServer: { scopes: { id: string; network: string }[] } };
  const primary = await step<Added>(`Register ${PRIMARY.name} (its file is imported)`, ADD_SERVER, {
    input: { name: PRIMARY.name, address: lab.address(PRIMARY.node), configPath: PRIMARY.configFile, ...input },
  });
  await step(`Register ${SECONDARY.name}`, ADD_SERVER, {
    input: { name: SECONDARY.name, address: lab.address(SECONDARY.node), configPath: SECONDARY.configFile, ...input },
  });
  // The defaults (mclt 3600, max-response-delay 60) are fine here: both servers start with empty lease files, i.e.
  // with no failover state, so dhcpd goes recover -> recover-done -> normal at once, without the MCLT-long
  // recover-wait of a server that has state; and a killed partner closes the failover connection, which the
  // primary notices at once, not after max-response-delay.
  await step(`Create the relationship "${RELATIONSHIP}" (EMPTY: nothing is written yet)`, CREATE_RELATIONSHIP, {
    input: { name: RELATIONSHIP, primaryServer: PRIMARY.name, secondaryServer: SECONDARY.name },
  });
  const scope = primary.addServer.scopes.find((s) => s.network === NETWORK);
  if (!scope) throw new Error(`${PRIMARY.name} was imported without the scope ${NETWORK}`);
  await step(`Put ${PRIMARY.name}'s scope ${NETWORK} into "${RELATIONSHIP}" (both files are written)`, ADD_SCOPES, {
    name: RELATIONSHIP,
    scopeIds: [scope.id],
  });
}

export async function readLiveState(gql: RunGraphQL): Promise<LiveState | null> {
  const data = await gql<{ failoverRelationship: { liveState: LiveState | null } | null }>(LIVE_STATE, { name: RELATIONSHIP });
  return data.failoverRelationship?.liveState ?? null;
}

export const bothNormal = (live: LiveState | null): boolean =>
  !!live && [live.primary, live.secondary].every((p) => p.state === 'normal' && p.partnerState === 'normal');

export const primaryInterrupted = (live: LiveState | null): boolean =>
  !!live && live.primary.state === 'communications-interrupted' && !live.secondary.reachable;

/**
 * Polls liveState through the API until `done` holds or `withinMs` passed; returns the last reading and the time
 * it took. The gateway serves a reading from its cache for 5 s, so a change shows within about 5 s of happening.
 */
export async function waitForLiveState(
  gql: RunGraphQL,
  done: (live: LiveState | null) => boolean,
  withinMs: number,
  onReading: (live: LiveState | null, elapsedMs: number) => void = () => {},
): Promise<{ live: LiveState | null; elapsedMs: number }> {
  const started = Date.now();
  for (;;) {
    const live = await readLiveState(gql);
    const elapsedMs = Date.now() - started;
    onReading(live, elapsedMs);
    if (done(live) || elapsedMs > withinMs) return { live, elapsedMs };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Resolves with the ms from `since` until the node's running dhcpd has logged `pattern` (dhcpd's own moment,
 * without the gateway's cache), or null if it does not within `withinMs`.
 */
export async function loggedAfter(lab: NetnsLab, node: string, pattern: RegExp, since: number, withinMs: number): Promise<number | null> {
  return lab.waitForLog(node, pattern, withinMs).then(
    () => (lab.loggedAt(node, pattern) ?? Date.now()) - since,
    () => null,
  );
}

/** dhcpd's log line for a move of the local failover state, e.g. `failover peer lab: I move from recover-done to normal`. */
export const moved = (from: string, to: string): RegExp => new RegExp(`failover peer ${RELATIONSHIP}: I move from ${from} to ${to}$`, 'm');

/** dhclient, when installed (Debian's isc-dhcp-client); the lease part of the scenario is optional. */
export function dhclientBinary(): string | undefined {
  return ['/usr/sbin/dhclient', '/sbin/dhclient'].find((p) => existsSync(p));
}

/**
 * Asks the pair for a lease from the lab's client namespace. dhclient runs without its script (`-sf /bin/true`),
 * so it changes nothing, not even the namespace's addresses, and is stopped once bound.
 */
export async function leaseFromPair(lab: NetnsLab, dhclient: string): Promise<{ address: string; server: string; output: string }> {
  const files = ['-lf', path.join(lab.workDir, 'client.leases'), '-pf', path.join(lab.workDir, 'client.pid')];
  // -1: one attempt, exit non-zero if no lease comes; without -d it forks into the background once bound.
  const { code, output } = await lab.run('client', [dhclient, '-4', '-1', '-v', '-sf', '/bin/true', ...files, 'eth0'], 60_000);
  await lab.run('client', [dhclient, '-x', ...files, 'eth0'], 10_000);
  const bound = /bound to (\S+)/.exec(output);
  const ack = /DHCPACK of \S+ from (\S+)/.exec(output);
  if (code !== 0 || !bound || !ack) throw new Error(`dhclient got no lease (exit ${code}):\n${output}`);
  return { address: bound[1], server: ack[1], output };
}
