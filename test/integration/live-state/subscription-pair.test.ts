/**
 * Subscription.liveStateChanged on a real dhcpd failover pair, each dhcpd in its own network namespace
 * (demo/netns-lab.ts), configured through the API as `npm run demo:pair` does: subscribe, see both in normal, kill
 * the secondary's dhcpd and see the event with the primary in communications-interrupted arrive. Needs root,
 * iproute2 and dhcpd; elsewhere the suite is reported as skipped.
 */
import path from 'node:path';
import { bothNormal, configurePair, PRIMARY, primaryInterrupted, RELATIONSHIP, SECONDARY, writeBaseConfigs, writeServersFile } from '../../../demo/pair-scenario';
import { canRunNetns, NetnsLab } from '../../helpers/netns';
import { Site } from '../../helpers/site';
import { Subscriber } from '../../helpers/subscriptions';

const describeNetns = canRunNetns() ? describe : describe.skip;
if (!canRunNetns()) console.warn('skipped: the subscription test on a real dhcpd pair needs root, ip netns and dhcpd');

describeNetns('liveStateChanged on a real dhcpd pair', () => {
  let lab: NetnsLab | undefined;
  let site: Site | undefined;
  let subscriber: Subscriber | undefined;
  const logs = () => `primary log:\n${lab?.log('primary')}\nsecondary log:\n${lab?.log('secondary')}`;

  beforeAll(async () => {
    // Another real-dhcpd suite may hold the lab's subnet: wait for it (the lab's names are this process's own).
    lab = NetnsLab.create({ nodes: ['primary', 'secondary'], waitForSubnetMs: 150_000 });
    site = await Site.start({ GATEWAY_SERVERS_FILE: writeServersFile(lab.workDir).path, LIVE_STATE_POLL_MS: '1000' });
    writeBaseConfigs(site.configRoot);
    await configurePair((query, variables) => site!.ok(query, variables), lab);
  }, 240_000);

  afterAll(async () => {
    await subscriber?.close();
    const results = await Promise.allSettled([lab?.destroy(), site?.stop()]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }, 60_000);

  it('emits normal on both once dhcpd runs, then communications-interrupted when the secondary dies', async () => {
    subscriber = new Subscriber(site!.url, RELATIONSHIP);
    // Nothing runs yet: the first event, at once, says both are unreachable.
    const first = await subscriber.nextState(() => true, 5_000);
    expect([first.primary.reachable, first.secondary.reachable]).toEqual([false, false]);

    const configOf = (name: string) => path.join(site!.configRoot, `${name}.conf`);
    await Promise.all([lab!.startDhcpd(PRIMARY.node, configOf(PRIMARY.name)), lab!.startDhcpd(SECONDARY.node, configOf(SECONDARY.name))]);
    const normal = await subscriber.nextState(bothNormal, 60_000).catch((e: Error) => {
      throw new Error(`${e.message}; events: ${JSON.stringify(subscriber!.results)}\n${logs()}`);
    });
    expect(normal.primary).toMatchObject({ reachable: true, state: 'normal', partnerState: 'normal', error: null });
    expect(normal.secondary).toMatchObject({ reachable: true, state: 'normal', partnerState: 'normal', error: null });

    const killed = Date.now();
    await lab!.killDhcpd(SECONDARY.node);
    const interrupted = await subscriber.nextState(primaryInterrupted, 30_000).catch((e: Error) => {
      throw new Error(`${e.message}; events: ${JSON.stringify(subscriber!.results)}\n${logs()}`);
    });
    expect(interrupted.primary).toMatchObject({ reachable: true, state: 'communications-interrupted', error: null });
    expect(interrupted.secondary).toMatchObject({ reachable: false, state: null, error: expect.stringMatching(/^connection refused by /) });
    console.log(`liveStateChanged: communications-interrupted arrived ${Date.now() - killed} ms after killing the secondary (${subscriber.results.length} events)`);
  }, 180_000);
});
