/**
 * A dhcpd failover pair set up through the GraphQL API only and watched through `FailoverRelationship.liveState`:
 * the gateway writes both servers' files, real dhcpd processes run on exactly those files, each in its own network
 * namespace (demo/netns-lab.ts), and the API reports what they say over OMAPI. The scenario is shared with
 * `npm run demo:pair` (demo/pair-scenario.ts). Needs root, iproute2 and dhcpd; elsewhere the suite is reported as
 * skipped. The DHCP client part also needs dhclient (isc-dhcp-client) and is skipped without it.
 */
import path from 'node:path';
import { createLiveStateReader } from '../../../src/live-state';
import {
  bothNormal,
  configurePair,
  dhclientBinary,
  LAB_NODES,
  leaseFromPair,
  type LiveState,
  loggedAfter,
  moved,
  POOL,
  PRIMARY,
  primaryInterrupted,
  RELATIONSHIP,
  type RunGraphQL,
  SECONDARY,
  type ServersFile,
  waitForLiveState,
  writeBaseConfigs,
  writeServersFile,
} from '../../../demo/pair-scenario';
import { canRunNetns, NetnsLab } from '../../helpers/netns';
import { Site } from '../../helpers/site';

const describeNetns = canRunNetns() ? describe : describe.skip;
const DHCLIENT = dhclientBinary();
const itWithDhclient = DHCLIENT ? it : it.skip;

describeNetns('a failover pair configured through the API, watched through liveState', () => {
  let lab: NetnsLab | undefined;
  let site: Site | undefined;
  let servers: ServersFile;
  let gql: RunGraphQL;
  const logs = () => `primary log:\n${lab?.log('primary')}\nsecondary log:\n${lab?.log('secondary')}`;
  const file = (name: string) => site!.file(name);

  beforeAll(async () => {
    lab = NetnsLab.create({ nodes: LAB_NODES });
    // The lab's work directory is removed with the lab, key included.
    servers = writeServersFile(lab.workDir);
    site = await Site.start({ GATEWAY_SERVERS_FILE: servers.path });
    gql = (query, variables) => site!.ok(query, variables);
    writeBaseConfigs(site.configRoot);
    // NetnsLab.create waits up to 50 s for another live lab on 198.51.100.0/24 (a parallel suite) to finish.
  }, 120_000);

  afterAll(async () => {
    // Both, even when one of them fails.
    const results = await Promise.allSettled([lab?.destroy(), site?.stop()]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }, 60_000);

  it('writes the peer declarations, the pools and the OMAPI settings into both files', async () => {
    await configurePair(gql, lab!);
    const primary = file('dhcp-primary');
    const secondary = file('dhcp-secondary');
    expect(primary).toContain(
      [
        `failover peer "${RELATIONSHIP}" {`,
        '  primary;',
        '  address 198.51.100.1;',
        '  port 647;',
        '  peer address 198.51.100.2;',
        '  peer port 647;',
        '  max-response-delay 60;',
        '  max-unacked-updates 10;',
        '  mclt 3600;',
        '  split 128;',
        '  load balance max seconds 3;',
        '}',
      ].join('\n'),
    );
    expect(secondary).toContain(
      [
        `failover peer "${RELATIONSHIP}" {`,
        '  secondary;',
        '  address 198.51.100.2;',
        '  port 647;',
        '  peer address 198.51.100.1;',
        '  peer port 647;',
        '  max-response-delay 60;',
        '  max-unacked-updates 10;',
        '  load balance max seconds 3;',
        '}',
      ].join('\n'),
    );
    for (const text of [primary, secondary]) {
      expect(text).toMatch(new RegExp(`pool \\{\\s*failover peer "${RELATIONSHIP}";\\s*range ${POOL.start} ${POOL.end};\\s*\\}`));
    }
    // The key only where the operator configured one, and each server's own port.
    const { name, secret } = servers.primaryKey;
    expect(primary).toContain(`key ${name} {\n  algorithm hmac-md5;\n  secret "${secret}";\n}`);
    expect(primary).toContain(`omapi-port ${PRIMARY.omapiPort};`);
    expect(primary).toContain(`omapi-key ${name};`);
    expect(secondary).toContain(`omapi-port ${SECONDARY.omapiPort};`);
    expect(secondary).not.toMatch(/omapi-key|\bkey /);
  }, 60_000);

  it('shows both servers in normal within 40 s of starting dhcpd on the files the gateway wrote', async () => {
    const configOf = (name: string) => path.join(site!.configRoot, `${name}.conf`);
    const started = Date.now();
    await Promise.all([lab!.startDhcpd(PRIMARY.node, configOf(PRIMARY.name)), lab!.startDhcpd(SECONDARY.node, configOf(SECONDARY.name))]);
    const inLogs = Promise.all([PRIMARY, SECONDARY].map((s) => loggedAfter(lab!, s.node, moved('\\S+', 'normal'), started, 40_000)));
    const { live } = await waitForLiveState(gql, bothNormal, 40_000);
    const shownAfter = Date.now() - started;
    if (!bothNormal(live)) throw new Error(`not normal ${shownAfter} ms after starting dhcpd: ${JSON.stringify(live)}\n${logs()}`);
    const normal = { reachable: true, state: 'normal', partnerState: 'normal', error: null, checkedAt: expect.any(String) };
    expect(live).toEqual({ primary: normal, secondary: normal });
    expect(shownAfter).toBeLessThanOrEqual(40_000);
    const [p, s] = await inLogs;
    console.log(`both normal: in dhcpd's logs ${p} / ${s} ms, in liveState ${shownAfter} ms after starting dhcpd`);
  }, 120_000);

  it('reads the keyed primary only because the gateway signs with the operator key', async () => {
    // The same read without the key is refused by dhcpd: the reachable primary above went through the key.
    const unsigned = await createLiveStateReader({ ttlMs: 0 }).read({ address: lab!.address(PRIMARY.node), omapiPort: PRIMARY.omapiPort }, RELATIONSHIP);
    expect(unsigned).toMatchObject({ reachable: false, error: expect.stringMatching(/requires an OMAPI key/) });
  }, 30_000);

  itWithDhclient('hands a DHCP client a lease from the pool', async () => {
    const lease = await leaseFromPair(lab!, DHCLIENT!);
    const last = (ip: string) => Number(ip.split('.')[3]);
    expect(lease.address.startsWith('198.51.100.')).toBe(true);
    expect(last(lease.address)).toBeGreaterThanOrEqual(last(POOL.start));
    expect(last(lease.address)).toBeLessThanOrEqual(last(POOL.end));
    expect([lab!.address(PRIMARY.node), lab!.address(SECONDARY.node)]).toContain(lease.server);
    console.log(`dhclient bound to ${lease.address}, acknowledged by ${lease.server}`);
  }, 90_000);

  it('shows communications-interrupted on the primary and an unreachable secondary once the secondary dhcpd is killed', async () => {
    const killed = Date.now();
    await lab!.killDhcpd(SECONDARY.node);
    const inLog = loggedAfter(lab!, PRIMARY.node, moved('normal', 'communications-interrupted'), killed, 30_000);
    const { live } = await waitForLiveState(gql, primaryInterrupted, 30_000);
    const shownAfter = Date.now() - killed;
    if (!primaryInterrupted(live)) throw new Error(`not interrupted ${shownAfter} ms after the kill: ${JSON.stringify(live)}\n${logs()}`);
    const { primary, secondary } = live as LiveState;
    expect(primary).toMatchObject({ reachable: true, state: 'communications-interrupted', error: null });
    expect(secondary).toEqual({
      reachable: false,
      state: null,
      partnerState: null,
      error: expect.stringMatching(new RegExp(`^connection refused by ${lab!.address(SECONDARY.node).replace(/\./g, '\\.')}:${SECONDARY.omapiPort}$`)),
      checkedAt: expect.any(String),
    });
    console.log(`primary communications-interrupted: in its log ${await inLog} ms, in liveState ${shownAfter} ms after killing the secondary`);
  }, 120_000);
});
