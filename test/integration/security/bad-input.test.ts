import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getNamedType, isInputObjectType } from 'graphql';
import { parseConfig } from '../../../src/config-sync';
import { createSchema } from '../../../src/schema';
import { DHCPD, describeWithDhcpd, dhcpdCheck } from '../../helpers/dhcpd';
import { Site } from '../../helpers/site';
import { ADD_POOL, ADD_SCOPES, ADD_SERVER, CREATE_REL, CREATE_SCOPE, MODIFY_REL, REMOVE_RELS, SYNC } from '../../helpers/operations';
import { postGraphQL } from './harness';

/**
 * The bad-input rows of the issue that test/integration/refusals.test.ts does not already cover: names
 * with non-ASCII letters, `#`, control characters or NUL; addresses, CIDRs, ranges and numbers in forms a
 * lax parser would take; configPaths through device files, FIFOs and dangling links. Each is refused with
 * its code before anything is written.
 */
describeWithDhcpd('bad input is refused before anything is written', () => {
  let site: Site;
  let outside: string;
  let ids: Record<string, string>;

  beforeAll(async () => {
    site = await Site.start();
    await site.seed('failover-pair');
    ids = await site.ids();
    await site.ok(CREATE_REL, { input: { name: 'ab', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' } });

    outside = mkdtempSync(path.join(os.tmpdir(), 'gw-outside-'));
    writeFileSync(path.join(outside, 'victim.conf'), 'ddns-update-style none;\n');
    const root = site.configRoot;
    symlinkSync('/dev/null', path.join(root, 'null.conf'));
    symlinkSync(path.join(outside, 'victim.conf'), path.join(root, 'victim.conf'));
    symlinkSync(path.join(outside, 'not-yet.conf'), path.join(root, 'dangling.conf'));
    symlinkSync(path.join(outside, 'no-such-dir'), path.join(root, 'dangling-dir'));
    symlinkSync(path.join(root, 'loop-b'), path.join(root, 'loop-a'));
    symlinkSync(path.join(root, 'loop-a'), path.join(root, 'loop-b'));
    execFileSync('mkfifo', [path.join(root, 'fifo.conf')]);
    mkdirSync(path.join(root, 'a-directory.conf'));
    mkdirSync(`${root}-evil`, { recursive: true });
  });
  afterAll(async () => {
    await site.stop();
    rmSync(outside, { recursive: true, force: true });
    rmSync(`${site.configRoot}-evil`, { recursive: true, force: true });
  });

  // CONFIG_ROOT holds a FIFO and dangling links on purpose: site.snapshot() lists them and never opens them.
  const refusedWith = async (mutation: string, variables: Record<string, unknown>, codes: string[]) => {
    const before = await site.snapshot();
    const started = Date.now();
    const res = await postGraphQL(site, { query: mutation, variables });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.json.errors?.[0]?.extensions?.code).toBeDefined();
    expect(codes).toContain(res.json.errors[0].extensions.code);
    expect(res.json.data ?? null).toBeNull();
    expect(await site.snapshot()).toEqual(before);
  };

  const hostileNames: [string, string][] = [
    ['a non-ASCII letter', 'dhcp-é'],
    ['a Cyrillic look-alike letter', 'dhcp-а'],
    ['fullwidth letters', 'ｄｈｃｐ'],
    ['an emoji', 'dhcp-🔥'],
    ['a zero-width space', 'dhcp\u200ba'],
    ['a right-to-left override', 'dhcp\u202ea'],
    ['a combining accent', 'dhcpe\u0301'],
    ['a "#" that would start a comment', 'a#b'],
    ['a lone "#"', '#'],
    ['a NUL', 'a\u0000b'],
    ['a newline', 'a\nb'],
    ['a carriage return', 'a\rb'],
    ['a tab', 'a\tb'],
    ['an escape sequence', 'a\u001b[31mb'],
    ['a DEL', 'a\u007fb'],
    ['a backslash', 'a\\b'],
    ['a single quote', "a'b"],
    ['a backtick', 'a`b'],
    ['a dollar sign', 'a$b'],
    ['a slash', 'a/b'],
    ['a leading hyphen', '-a'],
    ['a leading dot', '.a'],
    ['nothing', ''],
    ['64 characters', 'a'.repeat(64)],
  ];

  describe.each([
    ['a server name', (name: string) => [ADD_SERVER, { input: { name, address: '192.0.2.30', configPath: 'new.conf' } }] as const],
    ['a relationship name', (name: string) => [CREATE_REL, { input: { name, primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' } }] as const],
    ['a scope name', (name: string) => [CREATE_SCOPE, { input: { server: 'dhcp-a', network: '198.18.0.0/24', name } }] as const],
  ])('%s', (_what, request) => {
    test.each(hostileNames)('with %s is BAD_USER_INPUT', async (_label, name) => {
      const [mutation, variables] = request(name);
      await refusedWith(mutation, variables, ['BAD_USER_INPUT']);
    });
  });

  const badAddresses = ['192.0.2.1 ', ' 192.0.2.1', '192.0.2.1\n', '192.0.2.01', '0300.0.2.1', '0xc0.0.2.1', '3221225985', '192.0.2', '192.0.2.1.5', '256.0.0.1', '-1.0.0.0', '192.0.2.1/24', '::ffff:192.0.2.1', '１９２.０.２.１', '192.0.2.1;', ''];
  test.each(badAddresses)('the server address %j is BAD_USER_INPUT', async (address) => {
    await refusedWith(ADD_SERVER, { input: { name: 'new', address, configPath: 'new.conf' } }, ['BAD_USER_INPUT']);
  });

  const badNetworks = ['198.18.0.0/24 ', '198.18.0.0/024', '198.18.0.0/-1', '198.18.0.0', '198.18.0.0/24\n', '198.18.0.0/24;', '198.18.0.0/24 { }', '198.018.0.0/24', '198.18.0.0/255.255.255.0', '198.18.0.0/', '/24'];
  test.each(badNetworks)('the network %j is BAD_USER_INPUT', async (network) => {
    await refusedWith(CREATE_SCOPE, { input: { server: 'dhcp-a', network } }, ['BAD_USER_INPUT']);
  });

  const badRanges: [string, { start: string; end: string }[], string][] = [
    ['a range holding the network address', [{ start: '198.18.0.0', end: '198.18.0.20' }], 'BAD_USER_INPUT'],
    ['a range holding the broadcast address', [{ start: '198.18.0.200', end: '198.18.0.255' }], 'BAD_USER_INPUT'],
    ['a range end with a semicolon', [{ start: '198.18.0.10', end: '198.18.0.20;' }], 'BAD_USER_INPUT'],
    ['a range end with a closing brace', [{ start: '198.18.0.10', end: '198.18.0.20 } subnet 0.0.0.0 netmask 0.0.0.0 {' }], 'BAD_USER_INPUT'],
    ['a range start with a newline', [{ start: '198.18.0.10\n', end: '198.18.0.20' }], 'BAD_USER_INPUT'],
    ['a range in another subnet', [{ start: '198.19.0.10', end: '198.19.0.20' }], 'BAD_USER_INPUT'],
    ['two overlapping ranges in one pool', [{ start: '198.18.0.10', end: '198.18.0.20' }, { start: '198.18.0.15', end: '198.18.0.30' }], 'BAD_USER_INPUT'],
    ['a pool with no range', [], 'BAD_USER_INPUT'],
  ];
  test.each(badRanges)('%s is refused', async (_label, ranges, code) => {
    await refusedWith(CREATE_SCOPE, { input: { server: 'dhcp-a', network: '198.18.0.0/24', pools: [{ ranges }] } }, [code]);
  });

  test('a pool added with no range, or a range on the partner\'s side of the subnet boundary, is refused', async () => {
    await refusedWith(ADD_POOL, { input: { scopeId: ids['dhcp-a 198.51.100.0/24'], ranges: [] } }, ['BAD_USER_INPUT']);
    await refusedWith(ADD_POOL, { input: { scopeId: ids['dhcp-a 198.51.100.0/24'], ranges: [{ start: '198.51.100.250', end: '198.51.101.5' }] } }, ['BAD_USER_INPUT']);
  });

  const badNumbers: [string, Record<string, unknown>][] = [
    ['a negative port', { port: -1 }],
    ['a fractional port', { port: 1.5 }],
    ['a port given as text', { port: '647' }],
    ['a port beyond 32 bits', { port: 2 ** 32 + 647 }],
    ['a negative percentage', { percentage: -1 }],
    ['a fractional percentage', { percentage: 50.5 }],
    ['a negative mclt', { mclt: -1 }],
    ['an mclt beyond Int', { mclt: 2 ** 31 }],
    ['a max-response-delay of 0', { maxResponseDelay: 0 }],
    ['max-unacked-updates of 0', { maxUnackedUpdates: 0 }],
    ['negative load balance max seconds', { loadBalanceMaxSeconds: -1 }],
    ['a number as Infinity text', { mclt: 'Infinity' }],
  ];
  test.each(badNumbers)('%s is BAD_USER_INPUT, on create and on modify', async (_label, values) => {
    await refusedWith(CREATE_REL, { input: { name: 'nums', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b', ...values } }, ['BAD_USER_INPUT']);
    await refusedWith(MODIFY_REL, { input: { name: 'ab', ...values } }, ['BAD_USER_INPUT']);
  });

  const badPaths: [string, () => string, string[]][] = [
    ['/dev/null itself', () => '/dev/null', ['FORBIDDEN']],
    ['a symlink in CONFIG_ROOT to /dev/null', () => 'null.conf', ['FORBIDDEN']],
    ['a symlink in CONFIG_ROOT to a file outside it', () => 'victim.conf', ['FORBIDDEN']],
    ['a dangling symlink to a file yet to be made outside', () => 'dangling.conf', ['BAD_USER_INPUT', 'FORBIDDEN']],
    ['a file below a dangling directory symlink', () => 'dangling-dir/x.conf', ['BAD_USER_INPUT', 'FORBIDDEN']],
    ['a symlink loop', () => 'loop-a', ['BAD_USER_INPUT', 'FORBIDDEN']],
    ['a FIFO (reading it would block forever)', () => 'fifo.conf', ['BAD_USER_INPUT']],
    ['a directory', () => 'a-directory.conf', ['BAD_USER_INPUT']],
    ['CONFIG_ROOT itself', () => '.', ['BAD_USER_INPUT', 'FORBIDDEN']],
    ['a sibling directory that shares its prefix', () => `${site.configRoot}-evil/x.conf`, ['FORBIDDEN']],
    ['a path through /proc', () => '/proc/self/environ', ['FORBIDDEN']],
    ['a path with a NUL', () => 'x\u0000.conf', ['BAD_USER_INPUT']],
    ['a path with a newline', () => 'x\n.conf', ['BAD_USER_INPUT']],
    ['an empty path', () => '', ['BAD_USER_INPUT']],
    ['a path of 5000 characters', () => 'a/'.repeat(2500), ['BAD_USER_INPUT']],
    ['a path below a regular file', () => 'dhcp-a.conf/x.conf', ['BAD_USER_INPUT']],
  ];
  test.each(badPaths)('configPath: %s is refused', async (_label, configPath, codes) => {
    await refusedWith(ADD_SERVER, { input: { name: 'new', address: '192.0.2.30', configPath: configPath() } }, codes);
    expect(readFileSync(path.join(outside, 'victim.conf'), 'utf8')).toBe('ddns-update-style none;\n');
    expect(existsSync(path.join(outside, 'not-yet.conf'))).toBe(false);
  });

  test('configPath: a character device inside CONFIG_ROOT is refused', async () => {
    const device = path.join(site.configRoot, 'zero.conf');
    try {
      execFileSync('mknod', [device, 'c', '1', '5'], { stdio: 'pipe' });
    } catch {
      return; // not allowed to make device nodes here (not root); the symlink cases above cover /dev/null
    }
    try {
      await refusedWith(ADD_SERVER, { input: { name: 'new', address: '192.0.2.30', configPath: 'zero.conf' } }, ['BAD_USER_INPUT']);
    } finally {
      rmSync(device);
    }
  });

  test('references to servers, relationships and scopes with hostile text are NOT_FOUND (or BAD_USER_INPUT), never written', async () => {
    for (const hostile of ['dhcp-a"; include "/etc/passwd', 'dhcp-a\u0000', "dhcp-a' OR '1'='1", 'dhcp-a%', 'dhcp-_']) {
      await refusedWith(CREATE_SCOPE, { input: { server: hostile, network: '198.18.0.0/24' } }, ['NOT_FOUND']);
      await refusedWith(ADD_SCOPES, { name: hostile, ids: [ids['dhcp-a 198.51.100.0/24']] }, ['NOT_FOUND']);
      await refusedWith(REMOVE_RELS, { server: 'dhcp-a', names: [hostile], action: 'DELETE_SECONDARY_SCOPE' }, ['NOT_FOUND']);
      await refusedWith(SYNC, { name: hostile }, ['NOT_FOUND']);
    }
    for (const id of ['1 OR 1=1', '-1', '0x1', '1e3', '9'.repeat(40), ' 1']) {
      await refusedWith(ADD_POOL, { input: { scopeId: id, ranges: [{ start: '198.51.100.1', end: '198.51.100.2' }] } }, ['NOT_FOUND']);
    }
  });
});

/**
 * Strings that reach a file go through the engine's one quoting function. Through the whole service
 * path, every character is either refused before anything is written or, for the few a plain
 * identifier may hold, written so that the statement it sits in ends where it should: dhcpd -t passes
 * and the name reads back unchanged.
 */
describeWithDhcpd('no value can end the statement it sits in', () => {
  let site: Site;
  let scopeId: string;
  beforeAll(async () => {
    site = await Site.start();
    await site.seed('failover-pair');
    const { server } = await site.ok(`{ server(name: "dhcp-a") { scopes { id network } } }`);
    scopeId = server.scopes.find((s: { network: string }) => s.network === '198.51.100.0/24').id;
  });
  afterAll(() => site.stop());

  test('every ASCII and a sample of other characters in a relationship name: refused, or accepted and written safely', async () => {
    const characters = [...Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)), 'é', 'ß', '\u00a0', '\u2028', '\u202e', '\ufeff', '🔥', '\ud800'];
    const accepted: string[] = [];
    for (const c of characters) {
      const name = `p${c}q`;
      const before = await site.snapshot();
      const res = await postGraphQL(site, { query: CREATE_REL, variables: { input: { name, primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' } } });
      if (/^[A-Za-z0-9._-]$/.test(c)) {
        expect(res.json.errors).toBeUndefined();
        accepted.push(name);
      } else {
        expect(res.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
        expect(await site.snapshot()).toEqual(before);
      }
    }
    expect(accepted).toHaveLength(65);
  });

  test('accepted names that look like dhcpd syntax are quoted: dhcpd -t passes and the name reads back as written', async () => {
    const name = `include.subnet-peer_${'9'.repeat(30)}.${'x'.repeat(63 - 51)}`;
    expect(name).toHaveLength(63);
    await site.ok(CREATE_REL, { input: { name, primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' } });
    await site.ok(ADD_SCOPES, { name, ids: [scopeId] });
    for (const server of ['dhcp-a', 'dhcp-b']) {
      const file = path.join(site.configRoot, `${server}.conf`);
      expect(dhcpdCheck(file)).toBeNull();
      const model = parseConfig(readFileSync(file, 'utf8'));
      expect(model.errors).toEqual([]);
      expect(model.peers.map((p) => p.name)).toEqual([name]);
      expect(model.findSubnet('198.51.100.0/24')?.pools.map((p) => p.failoverPeer)).toEqual([name]);
    }
    // Read back through the import path as well.
    await site.ok(SYNC, { name: 'dhcp-a' });
    const { failoverRelationship } = await site.ok(`query($n: String!) { failoverRelationship(name: $n) { name status } }`, { n: name });
    expect(failoverRelationship).toEqual({ name, status: 'NORMAL' });
    expect(DHCPD).not.toBeNull();
  });
});

describe('no API field can name a command to run', () => {
  test('no argument or input field of the schema is a command, hook, script or path to a program', async () => {
    const schema = await createSchema();
    const suspicious = /command|cmd|exec|hook|script|shell|argv|program|binary|reload|run/i;
    const found: string[] = [];
    const mutation = schema.getMutationType()!;
    const query = schema.getQueryType()!;
    for (const root of [query, mutation]) {
      for (const field of Object.values(root.getFields())) {
        for (const arg of field.args) {
          // dryRun runs nothing: it stops a mutation before anything is written.
          if (arg.name !== 'dryRun' && suspicious.test(arg.name)) found.push(`${root.name}.${field.name}(${arg.name})`);
          const type = getNamedType(arg.type);
          if (isInputObjectType(type)) for (const f of Object.keys(type.getFields())) if (suspicious.test(f)) found.push(`${type.name}.${f}`);
        }
      }
    }
    expect(found).toEqual([]);
  });
});

/** Reload hooks come only from GATEWAY_SERVERS_FILE, run without a shell, and are stopped by their timeout. */
describeWithDhcpd('reload hooks', () => {
  let site: Site;
  let hooksDir: string;
  beforeAll(async () => {
    hooksDir = mkdtempSync(path.join(os.tmpdir(), 'gw-hooks-'));
    const recorder = path.join(hooksDir, 'record.js');
    writeFileSync(recorder, `require('fs').writeFileSync(${JSON.stringify(path.join(hooksDir, 'argv.json'))}, JSON.stringify(process.argv.slice(2)));\n`);
    const hooks = {
      servers: {
        'dhcp-a': { reload: [process.execPath, recorder, '$(touch pwned)', '; touch pwned2', '`touch pwned3`', '"quoted" && echo', '|'] },
        'dhcp-b': { reload: [process.execPath, '-e', 'setTimeout(() => {}, 60000)'], reloadTimeoutSeconds: 1 },
      },
    };
    writeFileSync(path.join(hooksDir, 'servers.json'), JSON.stringify(hooks));
    site = await Site.start({ GATEWAY_SERVERS_FILE: path.join(hooksDir, 'servers.json') });
    await site.seed('failover-pair');
  });
  afterAll(async () => {
    await site.stop();
    rmSync(hooksDir, { recursive: true, force: true });
  });

  test('a hook gets its arguments literally: shell syntax in them runs nothing', async () => {
    await site.ok(CREATE_SCOPE, { input: { server: 'dhcp-a', network: '198.18.0.0/24' } });
    expect(JSON.parse(readFileSync(path.join(hooksDir, 'argv.json'), 'utf8'))).toEqual(['$(touch pwned)', '; touch pwned2', '`touch pwned3`', '"quoted" && echo', '|']);
    for (const dir of [hooksDir, process.cwd(), site.configRoot]) {
      for (const f of ['pwned', 'pwned2', 'pwned3']) expect(existsSync(path.join(dir, f))).toBe(false);
    }
  });

  test('a hook that hangs is stopped by its timeout: CONFIG_APPLY_FAILED, and the file is put back', async () => {
    const before = await site.snapshot();
    const started = Date.now();
    const res = await postGraphQL(site, { query: CREATE_SCOPE, variables: { input: { server: 'dhcp-b', network: '198.18.0.0/24' } } });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(res.json.errors[0].extensions.code).toBe('CONFIG_APPLY_FAILED');
    expect(res.json.errors[0].message).toMatch(/timed out after 1s/);
    expect(await site.snapshot()).toEqual(before);
  });
});
