import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeWithDhcpd, dhcpdCheck } from '../../helpers/dhcpd';
import { Site, walkTree } from '../../helpers/site';
import { ADD_POOL, ADD_SCOPES, ADD_SERVER, CREATE_REL, CREATE_SCOPE, MODIFY_REL, REMOVE_RELS, REMOVE_SCOPES, SYNC } from '../../helpers/operations';
import { auditRows, postGraphQL, raw } from './harness';

/** mulberry32: a small PRNG with a fixed seed, so a failure replays exactly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PWNED = path.join(os.tmpdir(), 'gw-fuzz-pwned');

/** Every generated string holds at least one of these, so no generated value is a valid one. */
const HOSTILE = [
  '"', "'", '`', '{', '}', ';', '#', '\n', '\r\n', '\u0000', '\\', '\t', ' ', '\u000b', '\u001b', '\u007f',
  `$(touch ${PWNED})`, `\`touch ${PWNED}\``, `; touch ${PWNED}`, '| id', '&&', '../', '../../etc/passwd', '/dev/null', '/proc/self/environ',
  '%s%n%x', '${jndi:ldap://x}', '<script>alert(1)</script>', "'; DROP TABLE scope; --", '" OR "1"="1', '*', '%', '?',
  '} subnet 0.0.0.0 netmask 0.0.0.0 { range 0.0.0.1 0.0.0.2; }', 'include "/etc/shadow";', '"; } failover peer "x" { primary; } #',
  '\u202e', '\u200b', '\ufeff', 'é', 'ǅ', 'а', '🔥', '\ud800', '\u2028', 'ｄｈｃｐ', '/', '=', ',', ':', '@',
];
/** Companions that make a hostile string look plausible to a lax check. */
const BENIGN = ['dhcp-a', 'dhcp-b', 'ab', '192.0.2.10', '198.18.0.0/24', '198.18.0.10', '1', '0', 'constructor', '__proto__', '..', 'null', 'x.conf', 'subnet', 'peer'];

function hostileString(rand: () => number): string {
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)];
  const parts = [pick(HOSTILE)];
  const extra = Math.floor(rand() * 4);
  for (let i = 0; i < extra; i++) parts.splice(Math.floor(rand() * (parts.length + 1)), 0, rand() < 0.5 ? pick(HOSTILE) : pick(BENIGN));
  let s = parts.join('');
  const r = rand();
  if (r < 0.05) s = s.repeat(Math.ceil(60_000 / s.length)); // very long
  else if (r < 0.1) s = 'a'.repeat(64 + Math.floor(rand() * 200)) + s;
  return s;
}

function hostileNumber(rand: () => number): unknown {
  // invalid for every one of the numeric fields (null would mean "leave as it is")
  const values = [-1, -2147483648, 2 ** 31, 2 ** 53, 1.5, -0.5, 1e308, '647', '', 'NaN', true, [1], { n: 1 }];
  return values[Math.floor(rand() * values.length)];
}

/** `mayPass`: a value that may be valid after all (a file name may hold almost any character). */
type Slot = { path: (string | number)[]; kind: 'string' | 'number' | 'enum'; mayPass?: boolean };

interface Target {
  mutation: string;
  base: () => Record<string, any>;
  slots: Slot[];
}

const s = (...p: (string | number)[]): Slot => ({ path: p, kind: 'string' });
const n = (...p: (string | number)[]): Slot => ({ path: p, kind: 'number' });
const NUMBERS = ['percentage', 'mclt', 'port', 'loadBalanceMaxSeconds', 'maxResponseDelay', 'maxUnackedUpdates'];

/**
 * Random and hostile strings (quotes, braces, newlines, NUL, shell and SQL syntax, dhcpd syntax, very
 * long, unicode) at every argument of every mutation, a few hundred requests from a fixed seed. Nothing
 * may be accepted, nothing may crash, every config file must still pass dhcpd -t, and nothing outside
 * CONFIG_ROOT may change.
 */
describeWithDhcpd('fuzzing every mutation argument with hostile strings', () => {
  let site: Site;
  let sentinel: string;
  let ids: Record<string, string>;

  beforeAll(async () => {
    site = await Site.withFailoverPair();
    ids = await site.ids();
    // Files outside CONFIG_ROOT that a path escape would reach first.
    sentinel = path.join(site.dir, 'sentinel');
    mkdirSync(sentinel);
    for (const f of ['x.conf', 'passwd', 'dhcpd.conf']) writeFileSync(path.join(sentinel, f), `sentinel ${f}\n`);
  });
  afterAll(() => site.stop());

  let serial = 0;
  const targets = (): Target[] => [
    {
      mutation: ADD_SERVER,
      // a new name and address each time, so a configPath that is accepted does not make the next request a CONFLICT
      base: () => ({ input: { name: `fz${++serial}`, address: `192.0.2.${100 + serial}`, configPath: 'fz.conf' } }),
      slots: [s('input', 'name'), s('input', 'address'), { ...s('input', 'configPath'), mayPass: true }],
    },
    { mutation: SYNC, base: () => ({ name: 'dhcp-a' }), slots: [s('name')] },
    {
      mutation: CREATE_SCOPE,
      base: () => ({ input: { server: 'dhcp-a', network: '198.18.0.0/24', name: 'fz', pools: [{ ranges: [{ start: '198.18.0.10', end: '198.18.0.20' }] }], failoverRelationship: 'ab' } }),
      slots: [s('input', 'server'), s('input', 'network'), s('input', 'name'), s('input', 'pools', 0, 'ranges', 0, 'start'), s('input', 'pools', 0, 'ranges', 0, 'end'), s('input', 'failoverRelationship')],
    },
    {
      mutation: ADD_POOL,
      base: () => ({ input: { scopeId: ids['dhcp-a 203.0.113.0/25'], ranges: [{ start: '203.0.113.100', end: '203.0.113.110' }] } }),
      slots: [s('input', 'scopeId'), s('input', 'ranges', 0, 'start'), s('input', 'ranges', 0, 'end')],
    },
    {
      mutation: CREATE_REL,
      base: () => ({ input: { name: 'fz', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b', percentage: 50, mclt: 3600, port: 647, loadBalanceMaxSeconds: 3, maxResponseDelay: 60, maxUnackedUpdates: 10 } }),
      slots: [s('input', 'name'), s('input', 'primaryServer'), s('input', 'secondaryServer'), ...NUMBERS.map((k) => n('input', k))],
    },
    {
      mutation: MODIFY_REL,
      base: () => ({ input: { name: 'ab', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b', percentage: 60 } }),
      slots: [s('input', 'name'), s('input', 'primaryServer'), s('input', 'secondaryServer'), ...NUMBERS.map((k) => n('input', k))],
    },
    { mutation: ADD_SCOPES, base: () => ({ name: 'ab', ids: [ids['dhcp-a 203.0.113.0/25']] }), slots: [s('name'), s('ids', 0)] },
    {
      mutation: REMOVE_SCOPES,
      base: () => ({ name: 'ab', ids: [ids['dhcp-a 198.51.100.0/24']], action: 'DELETE_SECONDARY_SCOPE' }),
      slots: [s('name'), s('ids', 0), { path: ['action'], kind: 'enum' }],
    },
    {
      mutation: REMOVE_RELS,
      base: () => ({ server: 'dhcp-a', names: ['ab'], action: 'DISABLE_SECONDARY_SCOPE' }),
      slots: [s('server'), s('names', 0), { path: ['action'], kind: 'enum' }],
    },
  ];

  test('a few hundred hostile requests: all refused with a code, no file changed, everything still valid', async () => {
    const rand = prng(0x5eed1e55);
    const before = await site.snapshot();
    const outsideBefore = outsideState(site);
    const auditBefore = (await auditRows(site)).length;
    const started = Date.now();
    const codes = new Map<string, number>();
    let graphqlRefusals = 0;
    let requests = 0;
    const accepted: string[] = [];

    for (const target of targets()) {
      for (const slot of target.slots) {
        for (let round = 0; round < (slot.kind === 'string' ? 9 : 3); round++) {
          const variables = target.base();
          const value = slot.kind === 'number' ? hostileNumber(rand) : hostileString(rand);
          setPath(variables, slot.path, value);
          // One request in eight carries the value as a literal in the query text instead of a variable.
          const inline = slot.kind === 'string' && rand() < 0.125;
          const body = inline ? { query: inlineVariables(target.mutation, variables) } : { query: target.mutation, variables };
          const res = await postGraphQL(site, body);
          requests++;
          const context = `${target.mutation.slice(9, 60)} ${slot.path.join('.')}=${JSON.stringify(value)?.slice(0, 80)}`;
          expect([200, 400, 413]).toContain(res.status);
          const code = res.json?.errors?.[0]?.extensions?.code;
          if (slot.mayPass && res.json?.data?.addServer) {
            accepted.push(variables.input.name);
            continue;
          }
          if (!code || res.json.data) throw new Error(`not refused: ${context}: ${res.text.slice(0, 300)}`);
          if (!['BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE'].includes(code)) {
            throw new Error(`unexpected ${code}: ${context}: ${res.text.slice(0, 300)}`);
          }
          codes.set(code, (codes.get(code) ?? 0) + 1);
          if (!['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE'].includes(code)) graphqlRefusals++;
        }
      }
    }

    expect(requests).toBeGreaterThan(250);
    expect(Date.now() - started).toBeLessThan(90_000);
    // Nothing was accepted but a few odd file names under CONFIG_ROOT for addServer (which writes no file) ...
    const after = await site.snapshot();
    expect(after.files).toEqual(before.files);
    const added = (after.db.dhcp_server as { name: string; config_path: string }[]).filter((r) => !before.db.dhcp_server.some((b: any) => b.name === r.name));
    expect(added.map((r) => r.name).sort()).toEqual([...accepted].sort());
    for (const r of added) {
      const rel = path.relative(site.configRoot, r.config_path);
      expect(rel.startsWith('..') || path.isAbsolute(rel)).toBe(false);
      expect(existsSync(r.config_path)).toBe(false);
    }
    expect({ ...after.db, dhcp_server: before.db.dhcp_server }).toEqual(before.db);
    expect(accepted.length).toBeLessThan(20);
    // ... every config file still passes dhcpd -t ...
    for (const [file, st] of walkTree(site.configRoot)) if (st.isFile()) expect(dhcpdCheck(file)).toBeNull();
    // ... nothing outside CONFIG_ROOT changed, and no shell ran anything.
    expect(outsideState(site)).toEqual(outsideBefore);
    expect(existsSync(PWNED)).toBe(false);
    // Every refusal of a mutation that got as far as naming one is in the audit log.
    expect((await auditRows(site)).length - auditBefore).toBe(graphqlRefusals + accepted.length);
    // The service still answers.
    expect((await raw(site, '/healthz')).status).toBe(200);
    expect((await postGraphQL(site, { query: '{ servers { name } }' })).json.data.servers).toHaveLength(2 + accepted.length);
    console.log(`fuzz: ${requests} requests in ${Date.now() - started} ms; codes ${JSON.stringify(Object.fromEntries(codes))}; configPaths accepted inside CONFIG_ROOT: ${accepted.length}`);
  }, 180_000);
});

function setPath(target: Record<string, any>, at: (string | number)[], value: unknown): void {
  let node: any = target;
  for (const key of at.slice(0, -1)) node = node[key];
  node[at[at.length - 1]] = value;
}

/** The mutation with its variables written into the query text as GraphQL literals. */
function inlineVariables(mutation: string, variables: Record<string, unknown>): string {
  const literal = (v: unknown): string => {
    if (typeof v === 'string') return v === 'DELETE_SECONDARY_SCOPE' || v === 'DISABLE_SECONDARY_SCOPE' ? v : JSON.stringify(v);
    if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
    if (v && typeof v === 'object') return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${literal(x)}`).join(', ')} }`;
    return String(v);
  };
  const body = mutation.replace(/^mutation\([^)]*\)\s*/, 'mutation ');
  return body.replace(/\$(\w+)/g, (_m, name: string) => literal(variables[name]));
}

/** Every file of the site's folder outside CONFIG_ROOT (the database files aside), with its bytes and mtime. */
function outsideState(site: Site): Record<string, string> {
  const out: Record<string, string> = {};
  const skip = (p: string) => p === site.configRoot || /gateway(\.journal)?\.db(-wal|-shm|-journal)?$/.test(path.basename(p));
  for (const [p, st] of walkTree(site.dir, skip)) out[path.relative(site.dir, p)] = `${st.mtimeMs} ${readFileSync(p).toString('base64')}`;
  out['<entries of the temp dir named like CONFIG_ROOT>'] = readdirSync(path.dirname(site.dir))
    .filter((e) => e.startsWith(path.basename(site.dir)))
    .join(',');
  return out;
}
