/**
 * Pool utilisation of a real dhcpd failover pair: the pair of api-pair.test.ts (configured through the API, two
 * dhcpd in network namespaces), with each server's lease file named in GATEWAY_SERVERS_FILE, and a DHCP client
 * (dhclient) in a third namespace. Needs root, iproute2, dhcpd and dhclient; elsewhere it is reported as skipped.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  bothNormal,
  configurePair,
  dhclientBinary,
  LAB_NODES,
  leaseFromPair,
  POOL,
  PRIMARY,
  RELATIONSHIP,
  SECONDARY,
  waitForLiveState,
  writeBaseConfigs,
  writeServersFile,
} from '../../../demo/pair-scenario';
import { canRunNetns, NetnsLab } from '../../helpers/netns';
import { Site } from '../../helpers/site';

const DHCLIENT = dhclientBinary();
const describeLab = canRunNetns() && DHCLIENT ? describe : describe.skip;

const COUNTS = 'size active free backup expired abandoned';
const UTILIZATION = `query($rel: String!) {
  failoverRelationship(name: $rel) { utilization { ${COUNTS} } scopes { server { name } utilization { ${COUNTS} } } }
}`;

interface Counts {
  size: number;
  active: number;
  free: number;
  backup: number;
  expired: number;
  abandoned: number;
}

/**
 * The last binding state of each address in a lease file, read with a regular expression: a second opinion,
 * independent of src/leases (dhcpd writes one statement per line, so this is enough for its own files).
 */
function lastStates(file: string): Map<string, string> {
  const states = new Map<string, string>();
  for (const m of readFileSync(file, 'utf8').matchAll(/^lease (\S+) \{[^}]*?^\s+binding state (\w+);/gms)) states.set(m[1], m[2]);
  return states;
}

const count = (states: Map<string, string>, state: string) => [...states.values()].filter((s) => s === state).length;

describeLab('pool utilisation of a real failover pair, from both lease files', () => {
  let lab: NetnsLab | undefined;
  let site: Site | undefined;
  const leaseFile = (node: string) => path.join(lab!.workDir, `${node}.leases`);
  const gql = <T = Record<string, any>>(query: string, variables?: Record<string, unknown>) => site!.ok<T>(query, variables);

  const read = async () => {
    const { failoverRelationship: rel } = await gql(UTILIZATION, { rel: RELATIONSHIP });
    const own = (name: string): Counts => rel.scopes.find((s: any) => s.server.name === name).utilization;
    return { pair: rel.utilization as Counts, primary: own(PRIMARY.name), secondary: own(SECONDARY.name) };
  };

  /** Polls until `done` holds; returns the last reading. */
  const until = async (done: (r: Awaited<ReturnType<typeof read>>) => boolean, withinMs: number) => {
    const started = Date.now();
    for (;;) {
      const r = await read();
      if (done(r) || Date.now() - started > withinMs) return r;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  beforeAll(async () => {
    lab = NetnsLab.create({ nodes: LAB_NODES });
    const servers = writeServersFile(lab.workDir);
    // The operator names each server's lease file: here the ones the lab's dhcpd write (NetnsLab.startDhcpd).
    const content = JSON.parse(readFileSync(servers.path, 'utf8'));
    content.servers[PRIMARY.name].leases = leaseFile(PRIMARY.node);
    content.servers[SECONDARY.name].leases = leaseFile(SECONDARY.node);
    writeFileSync(servers.path, JSON.stringify(content));
    site = await Site.start({ GATEWAY_SERVERS_FILE: servers.path });
    writeBaseConfigs(site.configRoot);
    await configurePair(gql, lab);
    const configOf = (name: string) => path.join(site!.configRoot, `${name}.conf`);
    await Promise.all([lab.startDhcpd(PRIMARY.node, configOf(PRIMARY.name)), lab.startDhcpd(SECONDARY.node, configOf(SECONDARY.name))]);
    const { live } = await waitForLiveState(gql, bothNormal, 40_000);
    if (!bothNormal(live)) throw new Error(`the pair is not normal: ${JSON.stringify(live)}\n${lab.log('primary')}\n${lab.log('secondary')}`);
  }, 150_000);

  afterAll(async () => {
    const results = await Promise.allSettled([lab?.destroy(), site?.stop()]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }, 60_000);

  const SIZE = Number(POOL.end.split('.')[3]) - Number(POOL.start.split('.')[3]) + 1;

  it("shows no address in use before any client asked, and the secondary's backup count is its own file's backup records", async () => {
    // The primary hands the secondary its share of the free addresses (pool balancing) once both are normal.
    const balanced = await until((r) => r.secondary.backup > 0, 30_000);
    expect(balanced.pair).toMatchObject({ size: SIZE, active: 0 });
    expect(balanced.primary).toMatchObject({ size: SIZE, active: 0 });
    expect(balanced.secondary).toMatchObject({ size: SIZE, active: 0 });
    // The file may still grow while balancing finishes: compare only a reading taken while it stood still.
    for (let attempt = 0; ; attempt++) {
      const before = readFileSync(leaseFile(SECONDARY.node), 'utf8');
      const { secondary } = await read();
      if (readFileSync(leaseFile(SECONDARY.node), 'utf8') === before || attempt === 20) {
        const states = lastStates(leaseFile(SECONDARY.node));
        expect(count(states, 'backup')).toBeGreaterThan(0);
        expect(secondary.backup).toBe(count(states, 'backup'));
        expect(secondary.free + secondary.backup + secondary.active + secondary.expired + secondary.abandoned).toBe(SIZE);
        console.log(`secondary: ${secondary.backup} backup of ${SIZE}; its lease file has ${states.size} addresses`);
        break;
      }
    }
  }, 60_000);

  it('counts the lease a client takes once for the pair (active 0 → 1, never 2), while each server shows it in its own file', async () => {
    const lease = await leaseFromPair(lab!, DHCLIENT!);
    const last = (ip: string) => Number(ip.split('.')[3]);
    expect(lease.address.startsWith('198.51.100.')).toBe(true);
    expect(last(lease.address)).toBeGreaterThanOrEqual(last(POOL.start));
    expect(last(lease.address)).toBeLessThanOrEqual(last(POOL.end));
    // Both servers record the binding (the one that granted it and, by a binding update, its partner).
    const after = await until((r) => r.primary.active === 1 && r.secondary.active === 1, 30_000);
    expect(after.primary.active).toBe(1);
    expect(after.secondary.active).toBe(1);
    expect(after.pair).toMatchObject({ size: SIZE, active: 1 });
    for (const node of [PRIMARY.node, SECONDARY.node]) expect(lastStates(leaseFile(node)).get(lease.address)).toBe('active');
    console.log(`${lease.address} from ${lease.server}: pair ${JSON.stringify(after.pair)}`);
  }, 120_000);
});
