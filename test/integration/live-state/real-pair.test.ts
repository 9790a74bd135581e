/**
 * The live-state reader against a real dhcpd failover pair, each server in its own network namespace
 * (test/helpers/netns.ts). Needs root, iproute2 and dhcpd; elsewhere the whole suite is reported as skipped.
 */
import { createLiveStateReader, type LiveStateServer, type PeerLiveState } from '../../../src/live-state';
import { PRIMARY_CONF, SECONDARY_CONF, TEST_KEY } from '../../fixtures/omapi/exchange';
import { canRunNetns, NetnsLab } from '../../helpers/netns';

const describeNetns = canRunNetns() ? describe : describe.skip;

/** Reads until `done` holds or the deadline passes; returns the last reading and when it was taken. */
async function pollUntil(
  read: () => Promise<PeerLiveState[]>,
  done: (states: PeerLiveState[]) => boolean,
  withinMs: number,
): Promise<{ states: PeerLiveState[]; elapsedMs: number }> {
  const started = Date.now();
  for (;;) {
    const states = await read();
    const elapsedMs = Date.now() - started;
    if (done(states) || elapsedMs > withinMs) return { states, elapsedMs };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describeNetns('live state of a real dhcpd failover pair', () => {
  let lab: NetnsLab;
  let primary: LiveStateServer;
  let secondary: LiveStateServer;
  // ttl 0: every read below is a real poll
  const reader = createLiveStateReader({ timeoutMs: 2000, ttlMs: 0 });
  const logs = () => `primary log:\n${lab.log('primary')}\nsecondary log:\n${lab.log('secondary')}`;

  beforeAll(() => {
    lab = NetnsLab.create({ nodes: ['primary', 'secondary'] });
    primary = { address: lab.address('primary'), omapiPort: 7911, omapiKey: TEST_KEY };
    secondary = { address: lab.address('secondary'), omapiPort: 7911, omapiKey: null };
  });

  afterAll(async () => {
    await lab?.destroy();
  });

  it('reaches normal on both servers within 40 s of starting them', async () => {
    const started = Date.now();
    await Promise.all([lab.startDhcpd('primary', PRIMARY_CONF), lab.startDhcpd('secondary', SECONDARY_CONF)]);
    const { states, elapsedMs } = await pollUntil(
      () => Promise.all([reader.read(primary, 'pair'), reader.read(secondary, 'pair')]),
      (s) => s.every((p) => p.state === 'normal' && p.partnerState === 'normal'),
      40_000,
    );
    const expected = { reachable: true, state: 'normal', partnerState: 'normal', error: null };
    if (states.some((s) => s.state !== 'normal')) throw new Error(`not normal after ${elapsedMs} ms: ${JSON.stringify(states)}\n${logs()}`);
    expect(states).toEqual([expect.objectContaining(expected), expect.objectContaining(expected)]);
    console.log(`pair normal ${Date.now() - started} ms after starting dhcpd (${elapsedMs} ms after both served)`);
  }, 120_000);

  it('authenticates with the HMAC-MD5 key and is refused without it or with a wrong secret', async () => {
    // One after the other: concurrent reads of the same (address, port, peer) would share one poll.
    const noKey = await reader.read({ ...primary, omapiKey: null }, 'pair');
    const wrongSecret = await reader.read({ ...primary, omapiKey: { ...TEST_KEY, secret: 'AAAAAAAAAAAAAAAAAAAAAA==' } }, 'pair');
    const signed = await reader.read(primary, 'pair');
    expect(noKey).toMatchObject({ reachable: false, state: null, error: `authentication failed: ${primary.address}:7911 requires an OMAPI key` });
    expect(wrongSecret).toMatchObject({
      reachable: false,
      error: `authentication failed: ${primary.address}:7911 rejected key "omapi_key" (wrong secret?)`,
    });
    expect(signed).toMatchObject({ reachable: true, state: 'normal' });
  }, 30_000);

  it('answers many peer names over one connection', async () => {
    const names = ['pair', ...Array.from({ length: 199 }, (_, i) => `absent-${i}`)];
    const started = Date.now();
    const states = await Promise.all(names.map((n) => reader.read(primary, n)));
    expect(states[0]).toMatchObject({ reachable: true, state: 'normal' });
    expect(states[199]).toMatchObject({ reachable: false, error: `failover peer "absent-198" not found on ${primary.address}:7911` });
    expect(Date.now() - started).toBeLessThan(5000);
  }, 30_000);

  it('shows communications-interrupted on the primary and an unreachable secondary once the secondary dies', async () => {
    const killed = Date.now();
    await lab.killDhcpd('secondary');
    const { states, elapsedMs } = await pollUntil(
      () => Promise.all([reader.read(primary, 'pair'), reader.read(secondary, 'pair')]),
      ([p, s]) => p.state === 'communications-interrupted' && !s.reachable,
      30_000,
    );
    const [p, s] = states;
    if (p.state !== 'communications-interrupted') throw new Error(`primary still ${p.state} after ${elapsedMs} ms\n${logs()}`);
    expect(p).toMatchObject({ reachable: true, state: 'communications-interrupted', error: null });
    expect(s).toEqual({
      reachable: false,
      state: null,
      partnerState: null,
      error: `connection refused by ${secondary.address}:7911`,
      checkedAt: expect.any(String),
    });
    console.log(`primary communications-interrupted ${Date.now() - killed} ms after killing the secondary`);
  }, 120_000);
});
