/**
 * Subscription.liveStateChanged through a real graphql-ws client against gateways whose two servers are loopback
 * OMAPI stand-ins (fake-dhcpd.ts): authentication, the first event, events on change only, the shared poller and
 * its end; and, on PostgreSQL, two gateways on one database where one polls for both.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { configurePair, PRIMARY, RELATIONSHIP, SECONDARY, writeBaseConfigs } from '../../../demo/pair-scenario';
import { createTestDatabase, POSTGRES_AVAILABLE } from '../../helpers/postgres';
import { Site } from '../../helpers/site';
import { LIVE_STATE_CHANGED, Subscriber } from '../../helpers/subscriptions';
import { FakeDhcpd } from './fake-dhcpd';

const NORMAL = 2;
const COMMUNICATIONS_INTERRUPTED = 3;
const INTERVAL_MS = 250;
const LOOPBACK = { primary: '127.0.0.1', secondary: '127.0.0.2' } as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const polls = async (site: Site) => (await site.gateway.metrics.livePolls.get()).values.reduce((sum, v) => sum + v.value, 0);
const peer = (state: string, partnerState: string) => ({ reachable: true, state, partnerState, error: null, checkedAt: expect.any(String) });

/** Two loopback OMAPI servers that know the relationship, both in normal, and the servers file pointing at them. */
class FakePair {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'gw-subs-'));
  readonly serversFile = path.join(this.dir, 'servers.json');

  private constructor(
    readonly primary: FakeDhcpd,
    readonly secondary: FakeDhcpd,
  ) {
    const servers = { [PRIMARY.name]: { omapiPort: primary.port }, [SECONDARY.name]: { omapiPort: secondary.port } };
    writeFileSync(this.serversFile, JSON.stringify({ servers }));
    primary.peers.set(RELATIONSHIP, [NORMAL, NORMAL]);
    secondary.peers.set(RELATIONSHIP, [NORMAL, NORMAL]);
  }

  static async start(): Promise<FakePair> {
    const [primary, secondary] = await Promise.all([FakeDhcpd.start(LOOPBACK.primary), FakeDhcpd.start(LOOPBACK.secondary)]);
    return new FakePair(primary, secondary);
  }

  async close(): Promise<void> {
    await Promise.all([this.primary.close(), this.secondary.close()]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function startSite(pair: FakePair, env: Record<string, string> = {}): Promise<Site> {
  return Site.start({ LIVE_STATE_POLL_MS: String(INTERVAL_MS), GATEWAY_SERVERS_FILE: pair.serversFile, ...env });
}

/** Servers, relationship and scope through the API, as demo:pair does, with the servers at the loopback addresses. */
async function configure(site: Site): Promise<void> {
  writeBaseConfigs(site.configRoot);
  await configurePair((query, variables) => site.ok(query, variables), { address: (node) => LOOPBACK[node as keyof typeof LOOPBACK] });
}

/** A raw graphql-transport-ws exchange: connection_init and, at once, a subscribe, without waiting for the ack. */
function rawExchange(url: string, connectionParams: Record<string, unknown>): Promise<{ code: number; messages: unknown[] }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const messages: unknown[] = [];
    socket.on('open', () => {
      socket.send(JSON.stringify({ type: 'connection_init', payload: connectionParams }));
      socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: LIVE_STATE_CHANGED, variables: { name: RELATIONSHIP } } }));
    });
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    socket.on('close', (code) => resolve({ code, messages }));
    socket.on('error', reject);
  });
}

describe('Subscription.liveStateChanged over graphql-ws (loopback OMAPI servers)', () => {
  let pair: FakePair;
  let site: Site;
  const subscribers: Subscriber[] = [];
  const subscribe = (name = RELATIONSHIP, opts: { token?: string; query?: string } = {}) => {
    const s = new Subscriber(site.url, name, opts);
    subscribers.push(s);
    return s;
  };

  beforeAll(async () => {
    pair = await FakePair.start();
    site = await startSite(pair);
    await configure(site);
  }, 60_000);

  afterEach(async () => {
    await Promise.all(subscribers.splice(0).map((s) => s.close()));
  });

  afterAll(async () => {
    await site?.stop();
    await pair?.close();
  });

  it.each([
    ['without a token', {}],
    ['with a bad token', { authorization: 'Bearer not-a-token' }],
    ['with a token that is not a bearer token', { authorization: 'Basic YWRtaW46YWRtaW4=' }],
  ])('closes the connection %s with 4401 before any subscription runs', async (_what, params) => {
    const before = await polls(site);
    const { code, messages } = await rawExchange(site.url, params);
    expect(code).toBe(4401);
    expect(messages).toEqual([]);
    await sleep(2 * INTERVAL_MS);
    expect(await polls(site)).toBe(before);
  });

  it('emits the current state at once', async () => {
    const started = Date.now();
    const first = await subscribe().nextState();
    expect(first).toEqual({ primary: peer('normal', 'normal'), secondary: peer('normal', 'normal') });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('emits on a change of either side, and nothing while nothing changes', async () => {
    const s = subscribe();
    await s.nextState();
    // Polls go on (each one a fresh checkedAt) but the state is the same: no event.
    const before = await polls(site);
    await sleep(4 * INTERVAL_MS);
    expect(await polls(site)).toBeGreaterThan(before + 2);
    expect(s.pending).toBe(0);

    pair.primary.peers.set(RELATIONSHIP, [COMMUNICATIONS_INTERRUPTED, NORMAL]);
    expect(await s.nextState()).toEqual({ primary: peer('communications-interrupted', 'normal'), secondary: peer('normal', 'normal') });
    pair.secondary.peers.delete(RELATIONSHIP);
    const gone = await s.nextState();
    expect(gone.primary).toEqual(peer('communications-interrupted', 'normal'));
    expect(gone.secondary).toMatchObject({ reachable: false, state: null, error: expect.stringMatching(/not|no /) });
    await sleep(3 * INTERVAL_MS);
    expect(s.pending).toBe(0);

    pair.primary.peers.set(RELATIONSHIP, [NORMAL, NORMAL]);
    pair.secondary.peers.set(RELATIONSHIP, [NORMAL, NORMAL]);
    expect(await s.nextState()).toEqual({ primary: peer('normal', 'normal'), secondary: peer('normal', 'normal') });
  });

  it('shares one poller between subscribers and stops it when the last one leaves', async () => {
    const [a, b, c] = [subscribe(), subscribe(), subscribe()];
    await Promise.all([a.nextState(), b.nextState(), c.nextState()]);
    const opens = pair.primary.opens;
    await sleep(8 * INTERVAL_MS);
    // One poll per interval for all three (a poller each would make three).
    expect(pair.primary.opens - opens).toBeLessThanOrEqual(8 + 2);
    expect(pair.primary.opens - opens).toBeGreaterThanOrEqual(4);

    pair.secondary.peers.set(RELATIONSHIP, [COMMUNICATIONS_INTERRUPTED, NORMAL]);
    const changed = await Promise.all([a, b, c].map((s) => s.nextState()));
    for (const live of changed) expect(live.secondary.state).toBe('communications-interrupted');
    pair.secondary.peers.set(RELATIONSHIP, [NORMAL, NORMAL]);

    await a.close();
    await b.close();
    const withOne = await polls(site);
    await sleep(3 * INTERVAL_MS);
    expect(await polls(site)).toBeGreaterThan(withOne);
    await c.close();
    await sleep(2 * INTERVAL_MS); // a poll in flight finishes
    const after = await polls(site);
    await sleep(6 * INTERVAL_MS);
    expect(await polls(site)).toBe(after);
  });

  it('refuses an unknown relationship with NOT_FOUND', async () => {
    const result = await subscribe('no-such-relationship').next();
    expect(result.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(result.data ?? null).toBeNull();
  });

  it('says so while a relationship is EMPTY, and shows the pair once a scope joins', async () => {
    await site.ok(`mutation { createFailoverRelationship(input: { name: "later", primaryServer: "${PRIMARY.name}", secondaryServer: "${SECONDARY.name}" }) { name } }`);
    pair.primary.peers.set('later', [NORMAL, COMMUNICATIONS_INTERRUPTED]);
    pair.secondary.peers.set('later', [COMMUNICATIONS_INTERRUPTED, NORMAL]);
    const s = subscribe('later');
    const empty = await s.nextState();
    for (const side of [empty.primary, empty.secondary]) {
      expect(side).toEqual({ reachable: false, state: null, partnerState: null, error: 'relationship "later" is EMPTY: no server declares the peer yet', checkedAt: expect.any(String) });
    }
    await sleep(3 * INTERVAL_MS);
    expect(s.pending).toBe(0);

    // The primary's scope moves from "lab" to "later" (the tests below only need "lab" to exist).
    const { failoverRelationship } = await site.ok<{ failoverRelationship: { scopes: { id: string; server: { name: string } }[] } }>(
      `{ failoverRelationship(name: "${RELATIONSHIP}") { scopes { id server { name } } } }`,
    );
    const scopeId = failoverRelationship.scopes.find((scope) => scope.server.name === PRIMARY.name)!.id;
    await site.ok(`mutation { removeScopesFromFailoverRelationship(name: "${RELATIONSHIP}", scopeIds: ["${scopeId}"], deconfigureAction: DELETE_SECONDARY_SCOPE) { name } }`);
    await site.ok(`mutation { addScopesToFailoverRelationship(name: "later", scopeIds: ["${scopeId}"]) { name } }`);
    expect(await s.nextState()).toEqual({ primary: peer('normal', 'communications-interrupted'), secondary: peer('communications-interrupted', 'normal') });
  }, 60_000);

  it('applies the GraphQL limits of HTTP to subscription documents', async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: reachable`).join(' ');
    const tooMany = await subscribe(RELATIONSHIP, { query: `subscription($name: String!) { liveStateChanged(relationship: $name) { primary { ${aliases} } } }` })
      .next()
      .catch((e: Error) => e);
    expect(String(tooMany)).toMatch(/GRAPHQL_VALIDATION_FAILED/);
    expect(String(tooMany)).toMatch(/aliases/);
  });

  it('serves only subscriptions: a query over the socket is refused', async () => {
    const refused = await subscribe(RELATIONSHIP, { query: 'query { servers { name } }' })
      .next()
      .catch((e: Error) => e);
    expect(String(refused)).toMatch(/BAD_REQUEST/);
  });
});

const describePostgres = POSTGRES_AVAILABLE ? describe : describe.skip;
if (!POSTGRES_AVAILABLE) console.warn('skipped: the two-replica subscription test needs PostgreSQL (TEST_POSTGRES_URL)');

describePostgres('Subscription.liveStateChanged across two gateways on one PostgreSQL database', () => {
  let pair: FakePair;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let sites: Site[] = [];
  const subscribers: Subscriber[] = [];

  beforeAll(async () => {
    pair = await FakePair.start();
    database = await createTestDatabase();
    // Two replicas: each its own DataSource, HTTP server and LISTEN connection, one database.
    sites = [await startSite(pair, { DATABASE_URL: database.url }), await startSite(pair, { DATABASE_URL: database.url })];
    await configure(sites[0]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(subscribers.map((s) => s.close()));
    await Promise.all(sites.map((s) => s.stop()));
    await database?.drop();
    await pair?.close();
  });

  it('has one replica poll for both, both subscribers get the change, and the other takes over when it stops', async () => {
    const [a, b] = sites.map((site) => new Subscriber(site.url, RELATIONSHIP));
    subscribers.push(a, b);
    await Promise.all([a.nextState(), b.nextState()]);

    const before = await Promise.all(sites.map(polls));
    await sleep(6 * INTERVAL_MS);
    const grown = (await Promise.all(sites.map(polls))).map((n, i) => n - before[i]);
    const poller = grown.findIndex((n) => n > 0);
    expect(poller).toBeGreaterThanOrEqual(0);
    expect(grown[1 - poller]).toBe(0);

    pair.primary.peers.set(RELATIONSHIP, [COMMUNICATIONS_INTERRUPTED, NORMAL]);
    for (const live of await Promise.all([a.nextState(), b.nextState()])) expect(live.primary.state).toBe('communications-interrupted');

    // The polling replica's last subscriber leaves: it stops polling and frees the lock; the other replica takes over.
    const [leaving, staying] = poller === 0 ? [a, b] : [b, a];
    await leaving.close();
    await sleep(3 * INTERVAL_MS);
    pair.primary.peers.set(RELATIONSHIP, [NORMAL, NORMAL]);
    expect((await staying.nextState()).primary.state).toBe('normal');
    const nowPolling = await polls(sites[1 - poller]);
    await sleep(3 * INTERVAL_MS);
    expect(await polls(sites[1 - poller])).toBeGreaterThan(nowPolling);
  });
});
