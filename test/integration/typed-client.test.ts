import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../bench/service-process';
import { dedent } from '../helpers/dedent';
import { describeWithDhcpd } from '../helpers/dhcpd';
import { ADMIN_TOKEN, Site } from '../helpers/site';

const REPO = path.resolve(__dirname, '../..');
const EXAMPLE = 'examples/typed-client';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(cwd: string, file: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  // As from a shell: jest's NODE_ENV=test would make codegen swallow the reason of a failure.
  const { NODE_ENV: _jest, ...inherited } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, { cwd, env: { ...inherited, ...env }, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/**
 * `npm run example:typed-client:build` (codegen on schema.graphql, then tsc) on a copy of the example in a temp
 * folder laid out like the repository, so nothing generated lands in the repository.
 */
async function buildExample(schema: string): Promise<{ dir: string; build: Run }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-typed-client-'));
  writeFileSync(path.join(dir, 'schema.graphql'), schema);
  cpSync(path.join(REPO, 'package.json'), path.join(dir, 'package.json'));
  cpSync(path.join(REPO, EXAMPLE), path.join(dir, EXAMPLE), { recursive: true, filter: (src) => !/[/\\](gql|dist)$/.test(src) });
  symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  return { dir, build: await run(dir, 'npm', ['run', '-s', 'example:typed-client:build']) };
}

const SCHEMA = readFileSync(path.join(REPO, 'schema.graphql'), 'utf8');

describeWithDhcpd('the generated client of examples/typed-client against a running gateway', () => {
  let site: Site;
  let built: Awaited<ReturnType<typeof buildExample>>;
  let omapiPort: number;
  const client = (...args: string[]) =>
    run(built.dir, process.execPath, [`${EXAMPLE}/dist/main.js`, ...args], { GATEWAY_URL: `${site.url}/graphql`, GATEWAY_TOKEN: ADMIN_TOKEN });
  // Ids are the gateway's business; the output is compared without them.
  const withoutIds = (out: string) => out.replace(/scope \S+ /g, 'scope <id> ');

  beforeAll(async () => {
    // nothing listens there: the servers' OMAPI port, so live state is refused at once
    omapiPort = await freePort();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-servers-'));
    const serversFile = path.join(dir, 'servers.json');
    writeFileSync(serversFile, JSON.stringify({ defaults: { omapiPort } }));
    site = await Site.start({ GATEWAY_SERVERS_FILE: serversFile });
    rmSync(dir, { recursive: true });
    writeFileSync(
      path.join(site.configRoot, 'dhcp-a.conf'),
      dedent`
        authoritative;
        ddns-update-style none;

        subnet 198.51.100.0 netmask 255.255.255.0 {
          option routers 198.51.100.1;
          pool {
            range 198.51.100.100 198.51.100.199;
          }
        }
      `,
    );
    writeFileSync(path.join(site.configRoot, 'dhcp-b.conf'), 'authoritative;\nddns-update-style none;\n');
    // Loopback addresses: the live state query must not probe any real network.
    for (const [name, address] of [['dhcp-a', '127.0.0.11'], ['dhcp-b', '127.0.0.12']]) {
      await site.ok(`mutation($input: AddServerInput!) { addServer(input: $input) { name } }`, { input: { name, address, configPath: `${name}.conf` } });
    }
    built = await buildExample(SCHEMA);
  });
  afterAll(async () => {
    await site?.stop();
    if (built) rmSync(built.dir, { recursive: true, force: true });
  });

  test('generates its types from the committed schema.graphql and compiles with tsc', () => {
    expect(built.build).toMatchObject({ code: 0, stdout: '' });
    expect(built.build.stderr).toContain('Generate to examples/typed-client/src/gql/');
  });

  test('shows the main screen: servers with their relationships, scopes and pools', async () => {
    const res = await client('servers');
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(withoutIds(res.stdout)).toBe(dedent`
      dhcp-a 127.0.0.11
        scope <id> 198.51.100.0/24 pools 198.51.100.100-198.51.100.199
      dhcp-b 127.0.0.12
    `);
  });

  test('creates a relationship and puts a scope into it, then the main screen shows both', async () => {
    expect(await client('create', 'ab', 'dhcp-a', 'dhcp-b')).toMatchObject({ code: 0, stdout: 'created ab EMPTY mclt 3600 split 50%\n' });
    const scopeId = /scope (\S+) 198\.51\.100\.0\/24/.exec((await client('servers')).stdout)![1];
    const added = await client('add-scopes', 'ab', scopeId);
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toBe(dedent`
      ab NORMAL
        198.51.100.0/24 PRIMARY on dhcp-a
        198.51.100.0/24 SECONDARY on dhcp-b
    `);
    expect(withoutIds((await client('servers')).stdout)).toBe(dedent`
      dhcp-a 127.0.0.11
        relationship ab NORMAL: dhcp-a -> dhcp-b
        scope <id> 198.51.100.0/24 PRIMARY in ab pools 198.51.100.100-198.51.100.199
      dhcp-b 127.0.0.12
        relationship ab NORMAL: dhcp-a -> dhcp-b
        scope <id> 198.51.100.0/24 SECONDARY in ab pools 198.51.100.100-198.51.100.199
    `);
  });

  test('reads the live state of both partners (no dhcpd listens: both unreachable, with the reason)', async () => {
    expect(await client('live', 'ab')).toMatchObject({
      code: 0,
      stdout: `ab primary: unreachable: connection refused by 127.0.0.11:${omapiPort}\nab secondary: unreachable: connection refused by 127.0.0.12:${omapiPort}\n`,
    });
  });

  test('reports a refusal with its code and exits non-zero', async () => {
    expect(await client('create', 'ab', 'dhcp-a', 'dhcp-b')).toMatchObject({ code: 1, stdout: '', stderr: expect.stringMatching(/^CONFLICT: /) });
  });
});

describe('a schema change that breaks the typed client breaks its build', () => {
  test('a field an operation selects is removed: code generation fails', async () => {
    const schema = SCHEMA.replace(/(type DhcpServer implements Node \{\n)  """[^"]*"""\n  address: IPv4!\n\n/, '$1');
    expect(schema).not.toBe(SCHEMA);
    const built = await buildExample(schema);
    rmSync(built.dir, { recursive: true, force: true });
    expect(built.build.code).not.toBe(0);
    expect(built.build.stderr).toMatch(/Cannot query field "address" on type "DhcpServer"[^]*src\/operations\.ts/);
  });

  test('a list the client walks becomes nullable: tsc fails', async () => {
    const schema = SCHEMA.replace('servers: [DhcpServer!]!', 'servers: [DhcpServer!]');
    expect(schema).not.toBe(SCHEMA);
    const built = await buildExample(schema);
    rmSync(built.dir, { recursive: true, force: true });
    expect(built.build.code).not.toBe(0);
    expect(built.build.stderr).toMatch(/✔ Generate to examples\/typed-client\/src\/gql\//);
    expect(built.build.stdout).toMatch(/src\/main\.ts.*'servers' is possibly 'null'/);
  });
});
