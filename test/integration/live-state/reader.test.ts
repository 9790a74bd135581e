import { createServer } from 'node:net';
import { createLiveStateReader, type PeerLiveState, type PollOutcome } from '../../../src/live-state';
import { FakeDhcpd } from './fake-dhcpd';

const NORMAL = 2;
const COMMUNICATIONS_INTERRUPTED = 3;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('live-state reader against loopback OMAPI servers', () => {
  let primary: FakeDhcpd;
  let secondary: FakeDhcpd;

  beforeEach(async () => {
    [primary, secondary] = await Promise.all([FakeDhcpd.start(), FakeDhcpd.start()]);
  });

  afterEach(async () => {
    await Promise.all([primary.close(), secondary.close()]);
  });

  const at = (fake: FakeDhcpd) => ({ address: '127.0.0.1', omapiPort: fake.port, omapiKey: null });

  it('reads 500 relationships on a pair with one connection per server, and serves repeats from the cache', async () => {
    const names = Array.from({ length: 500 }, (_, i) => `rel-${i}`);
    for (const n of names) {
      primary.peers.set(n, [NORMAL, NORMAL]);
      secondary.peers.set(n, [COMMUNICATIONS_INTERRUPTED, NORMAL]);
    }
    const polls: PollOutcome[] = [];
    const reader = createLiveStateReader({ onPoll: (o) => polls.push(o) });

    const results = await Promise.all(names.flatMap((n) => [reader.read(at(primary), n), reader.read(at(secondary), n)]));

    expect(primary.connections).toBe(1);
    expect(secondary.connections).toBe(1);
    expect(primary.opens).toBe(500);
    expect(results[0]).toEqual({ reachable: true, state: 'normal', partnerState: 'normal', error: null, checkedAt: expect.stringMatching(ISO) });
    expect(results[1]).toMatchObject({ reachable: true, state: 'communications-interrupted', partnerState: 'normal' });
    expect(results.filter((r) => r.reachable)).toHaveLength(1000);
    expect(polls).toHaveLength(1000);
    expect(new Set(polls)).toEqual(new Set(['ok']));

    await Promise.all(names.map((n) => reader.read(at(primary), n)));
    expect(primary.connections).toBe(1);
    expect(polls).toHaveLength(1000);
  });

  it('shares one in-flight poll between concurrent reads of the same peer', async () => {
    primary.peers.set('pair', [NORMAL, NORMAL]);
    const reader = createLiveStateReader();
    const [a, b] = [reader.read(at(primary), 'pair'), reader.read(at(primary), 'pair')];
    expect(a).toBe(b);
    await a;
    expect(primary.opens).toBe(1);
  });

  it('polls again once the ttl has passed', async () => {
    primary.peers.set('pair', [NORMAL, NORMAL]);
    const reader = createLiveStateReader({ ttlMs: 100 });
    const first = await reader.read(at(primary), 'pair');
    await reader.read(at(primary), 'pair');
    expect(primary.connections).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    primary.peers.set('pair', [COMMUNICATIONS_INTERRUPTED, NORMAL]);
    const second = await reader.read(at(primary), 'pair');
    expect(primary.connections).toBe(2);
    expect(second.state).toBe('communications-interrupted');
    expect(second.checkedAt > first.checkedAt).toBe(true);
  });

  it('polls again for a caller whose maxAgeMs the cached answer exceeds, and serves the fresh answer to everyone', async () => {
    primary.peers.set('pair', [NORMAL, NORMAL]);
    const reader = createLiveStateReader({ ttlMs: 60_000 });
    await reader.read(at(primary), 'pair');
    await new Promise((resolve) => setTimeout(resolve, 60));
    primary.peers.set('pair', [COMMUNICATIONS_INTERRUPTED, NORMAL]);
    expect((await reader.read(at(primary), 'pair', 1000)).state).toBe('normal');
    expect(primary.opens).toBe(1);
    expect((await reader.read(at(primary), 'pair', 50)).state).toBe('communications-interrupted');
    expect((await reader.read(at(primary), 'pair')).state).toBe('communications-interrupted');
    expect(primary.opens).toBe(2);
  });

  it('answers an unreachable server with reachable: false and the reason, and caches that too', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const polls: PollOutcome[] = [];
    const reader = createLiveStateReader({ onPoll: (o) => polls.push(o) });

    const result: PeerLiveState = await reader.read({ address: '127.0.0.1', omapiPort: port }, 'pair');

    expect(result).toEqual({
      reachable: false,
      state: null,
      partnerState: null,
      error: `connection refused by 127.0.0.1:${port}`,
      checkedAt: expect.stringMatching(ISO),
    });
    expect(await reader.read({ address: '127.0.0.1', omapiPort: port }, 'pair')).toBe(result);
    expect(polls).toEqual(['unreachable']);
  });

  it('times out on a server that never answers', async () => {
    primary.silent = true;
    const reader = createLiveStateReader({ timeoutMs: 200 });
    const started = Date.now();
    const result = await reader.read(at(primary), 'pair');
    expect(result).toMatchObject({ reachable: false, error: `127.0.0.1:${primary.port}: no OMAPI startup message within 200 ms` });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('reports a peer the server does not know, without failing the other peers on the connection', async () => {
    primary.peers.set('known', [NORMAL, NORMAL]);
    const reader = createLiveStateReader();
    const [unknown, known] = await Promise.all([reader.read(at(primary), 'unknown'), reader.read(at(primary), 'known')]);
    expect(unknown).toMatchObject({ reachable: false, state: null, error: `failover peer "unknown" not found on 127.0.0.1:${primary.port}` });
    expect(known).toMatchObject({ reachable: true, state: 'normal' });
    expect(primary.connections).toBe(1);
  });

  it('keeps readers apart: each has its own cache', async () => {
    primary.peers.set('pair', [NORMAL, NORMAL]);
    await createLiveStateReader().read(at(primary), 'pair');
    await createLiveStateReader().read(at(primary), 'pair');
    expect(primary.connections).toBe(2);
  });
});
