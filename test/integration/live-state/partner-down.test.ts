/**
 * setPartnerDown against a real dhcpd pair in network namespaces (demo/netns-lab.ts), configured through the API
 * (demo/pair-scenario.ts): refused while both servers are normal, accepted once the secondary is stopped and the
 * primary is communications-interrupted, and the pair back in normal after the secondary is restarted, with the
 * history (stateSince, lastPartnerDownAt) kept throughout. Needs root, iproute2 and dhcpd; skipped elsewhere.
 */
import path from 'node:path';
import {
  bothNormal,
  configurePair,
  LAB_NODES,
  moved,
  PRIMARY,
  primaryInterrupted,
  RELATIONSHIP,
  type RunGraphQL,
  SECONDARY,
  waitForLiveState,
  writeBaseConfigs,
  writeServersFile,
} from '../../../demo/pair-scenario';
import { canRunNetns, NetnsLab } from '../../helpers/netns';
import { Site } from '../../helpers/site';

const describeNetns = canRunNetns() ? describe : describe.skip;

const SET_PARTNER_DOWN = `mutation($rel: String!, $server: String!, $force: Boolean) {
  setPartnerDown(relationship: $rel, server: $server, force: $force) { reachable state partnerState error stateSince lastPartnerDownAt }
}`;
const HISTORY = `query($name: String!) {
  failoverRelationship(name: $name) { liveState { primary { state stateSince lastPartnerDownAt } secondary { state stateSince lastPartnerDownAt } } }
}`;
const LAST_AUDIT = `{ auditLog(first: 1) { edges { node { operation arguments outcome message } } } }`;

describeNetns('setPartnerDown on a real dhcpd pair', () => {
  let lab: NetnsLab | undefined;
  let site: Site | undefined;
  let gql: RunGraphQL;
  const logs = () => `primary log:\n${lab?.log('primary')}\nsecondary log:\n${lab?.log('secondary')}`;
  const configOf = (name: string) => path.join(site!.configRoot, `${name}.conf`);
  const lastAudit = async () => {
    const { node } = (await gql<{ auditLog: { edges: { node: Record<string, string> }[] } }>(LAST_AUDIT)).auditLog.edges[0];
    return { ...node, arguments: JSON.parse(node.arguments) as unknown };
  };

  beforeAll(async () => {
    lab = NetnsLab.create({ nodes: LAB_NODES });
    const servers = writeServersFile(lab.workDir);
    site = await Site.start({ GATEWAY_SERVERS_FILE: servers.path });
    gql = (query, variables) => site!.ok(query, variables);
    writeBaseConfigs(site.configRoot);
    await configurePair(gql, lab);
    // A short MCLT, so the restarted secondary's recovery (recover-wait lasts one MCLT) fits in the test.
    await gql(`mutation { modifyFailoverRelationship(input: { name: "${RELATIONSHIP}", mclt: 5 }) { mclt } }`);
    await Promise.all([lab.startDhcpd(PRIMARY.node, configOf(PRIMARY.name)), lab.startDhcpd(SECONDARY.node, configOf(SECONDARY.name))]);
    const { live } = await waitForLiveState(gql, bothNormal, 60_000);
    if (!bothNormal(live)) throw new Error(`pair not normal: ${JSON.stringify(live)}\n${logs()}`);
  }, 150_000);

  afterAll(async () => {
    const results = await Promise.allSettled([lab?.destroy(), site?.stop()]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }, 60_000);

  it('is refused with CONFLICT while both servers are normal, force or not, changing nothing and audited', async () => {
    for (const force of [false, true]) {
      const before = await site!.snapshot();
      const refusal = await site!.refused(SET_PARTNER_DOWN, { rel: RELATIONSHIP, server: PRIMARY.name, force });
      expect(refusal).toEqual({ code: 'CONFLICT', message: expect.stringContaining(`server "${PRIMARY.name}" reports normal for failover peer "${RELATIONSHIP}"`) });
      expect(await site!.snapshot()).toEqual(before);
      expect(await lastAudit()).toMatchObject({ operation: 'setPartnerDown', outcome: 'CONFLICT', arguments: { relationship: RELATIONSHIP, server: PRIMARY.name, force } });
    }
    expect(lab!.log(PRIMARY.node)).not.toMatch(/to partner-down/);
  }, 30_000);

  it('moves the communications-interrupted primary to partner-down once the secondary is stopped', async () => {
    await lab!.killDhcpd(SECONDARY.node);
    const { live } = await waitForLiveState(gql, primaryInterrupted, 30_000);
    if (!primaryInterrupted(live)) throw new Error(`not interrupted: ${JSON.stringify(live)}\n${logs()}`);
    const asked = Date.now();
    const { setPartnerDown } = await gql<{ setPartnerDown: Record<string, unknown> }>(SET_PARTNER_DOWN, { rel: RELATIONSHIP, server: PRIMARY.name });
    // Read again after the change: dhcpd's own word, not what was asked for.
    expect(setPartnerDown).toEqual({
      reachable: true,
      state: 'partner-down',
      partnerState: expect.any(String),
      error: null,
      stateSince: expect.any(String),
      lastPartnerDownAt: setPartnerDown.stateSince,
    });
    expect(Date.parse(setPartnerDown.stateSince as string)).toBeGreaterThanOrEqual(asked - 1000);
    await lab!.waitForLog(PRIMARY.node, moved('communications-interrupted', 'partner-down'), 5_000);
    expect(await lastAudit()).toMatchObject({ operation: 'setPartnerDown', outcome: 'ok', arguments: { relationship: RELATIONSHIP, server: PRIMARY.name, force: false } });
  }, 60_000);

  it('returns to normal on both once the secondary is restarted, keeping when the primary was last in partner-down', async () => {
    const { failoverRelationship: before } = await gql<{ failoverRelationship: { liveState: any } }>(HISTORY, { name: RELATIONSHIP });
    const partnerDownAt = before.liveState.primary.lastPartnerDownAt as string;
    expect(partnerDownAt).toEqual(expect.any(String));
    await lab!.startDhcpd(SECONDARY.node, configOf(SECONDARY.name));
    const { live } = await waitForLiveState(gql, bothNormal, 90_000);
    if (!bothNormal(live)) throw new Error(`not back to normal: ${JSON.stringify(live)}\n${logs()}`);
    const { failoverRelationship: after } = await gql<{ failoverRelationship: { liveState: any } }>(HISTORY, { name: RELATIONSHIP });
    expect(after.liveState.primary).toEqual({ state: 'normal', stateSince: expect.any(String), lastPartnerDownAt: expect.any(String) });
    expect(Date.parse(after.liveState.primary.lastPartnerDownAt)).toBeGreaterThanOrEqual(Date.parse(partnerDownAt));
    expect(Date.parse(after.liveState.primary.stateSince)).toBeGreaterThan(Date.parse(after.liveState.primary.lastPartnerDownAt));
    expect(after.liveState.secondary).toMatchObject({ state: 'normal', lastPartnerDownAt: null });
    // Nothing of it is in a file: the review of the pair (files, and live states that agree) is clean.
    expect((await gql<{ failoverRelationship: { problems: unknown[] } }>(`{ failoverRelationship(name: "${RELATIONSHIP}") { problems { code message } } }`)).failoverRelationship.problems).toEqual([]);
  }, 150_000);
});
