/**
 * Re-captures test/fixtures/omapi/*.hex from a real dhcpd pair. Not part of a normal run (the fixtures are checked
 * in); run as root with:
 *
 *   CAPTURE_OMAPI_FIXTURES=1 npx jest test/integration/live-state/capture-omapi-fixtures.test.ts
 *
 * Each exchange goes through a recording TCP relay on 127.0.0.1, so what is written is exactly what crossed the wire
 * between the client (ours, or ISC's omshell) and dhcpd.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server, Socket } from 'node:net';
import { OmapiConnection, type OmapiConnectOptions, PARTNER_DOWN, readFailoverState, updateFailoverLocalState } from '../../../src/omapi';
import { type Frame, PRIMARY_CONF, SECONDARY_CONF, TEST_KEY, writeExchange } from '../../fixtures/omapi/exchange';
import { canRunNetns, dhcpdBinary, NetnsLab } from '../../helpers/netns';

const OMAPI_PORT = 7911;
const enabled = process.env.CAPTURE_OMAPI_FIXTURES === '1' && canRunNetns();
/** The partner-down exchanges need a pair taken apart twice, so they are captured on their own. */
const partnerDownEnabled = process.env.CAPTURE_OMAPI_FIXTURES === 'partner-down' && canRunNetns();

(enabled ? describe : describe.skip)('capture OMAPI fixtures from a real dhcpd pair', () => {
  let lab: NetnsLab;

  beforeAll(async () => {
    lab = NetnsLab.create({ nodes: ['primary', 'secondary'] });
    await Promise.all([lab.startDhcpd('primary', PRIMARY_CONF), lab.startDhcpd('secondary', SECONDARY_CONF)]);
    await Promise.all(['primary', 'secondary'].map((n) => lab.waitForLog(n, /Both servers normal/, 40_000)));
  }, 60_000);

  afterAll(async () => {
    await lab?.destroy();
  });

  const version = () => spawnSync(dhcpdBinary() ?? 'dhcpd', ['--version'], { encoding: 'utf8' }).stderr.trim();

  const ours = (file: string, what: string, node: string, opts: Omit<OmapiConnectOptions, 'host' | 'port'> & { peerName: string }) =>
    record(lab.address(node), async (port) => {
      await readFailoverState({ host: '127.0.0.1', port, ...opts }).catch(() => undefined);
    }).then((frames) =>
      writeExchange(
        file,
        [
          what,
          `Captured ${new Date().toISOString()} from ${version()} (${node} of test/fixtures/omapi/dhcpd/*.conf, pair in normal state)`,
          `Client: this project's OmapiConnection, firstId 0x${opts.firstId?.toString(16)}, peer "${opts.peerName}"${opts.key ? `, key "${opts.key.name}"` : ''}.`,
          'Recorded by test/integration/live-state/capture-omapi-fixtures.test.ts through a relay on 127.0.0.1.',
        ],
        frames,
      ),
    );

  it('records our client against both servers', async () => {
    await ours('open-failover-state.hex', 'Unsigned open of failover-state "pair" and dhcpd\'s update answer.', 'secondary', {
      peerName: 'pair',
      timeoutMs: 2000,
      firstId: 0x1000,
    });
    await ours('open-failover-state-signed.hex', 'HMAC-MD5: authenticator open, then a signed open of failover-state "pair".', 'primary', {
      peerName: 'pair',
      key: TEST_KEY,
      timeoutMs: 2000,
      firstId: 0x2000,
    });
    await ours('not-found.hex', 'Open of a failover-state that does not exist: dhcpd answers with a status message.', 'secondary', {
      peerName: 'no-such-peer',
      timeoutMs: 2000,
      firstId: 0x3000,
    });
    await ours('wrong-secret.hex', 'Right key name, wrong secret: dhcpd answers the signed open with an unsigned status.', 'primary', {
      peerName: 'pair',
      key: { ...TEST_KEY, secret: 'AAAAAAAAAAAAAAAAAAAAAA==' },
      timeoutMs: 2000,
      firstId: 0x4000,
    });
    await ours('key-required.hex', 'No key against a server with omapi-key: dhcpd refuses the unsigned open.', 'primary', {
      peerName: 'pair',
      timeoutMs: 2000,
      firstId: 0x5000,
    });
  });

  const omshellIt = hasOmshell() ? it : it.skip;
  omshellIt("records ISC's omshell against the keyed primary", async () => {
    const frames = await record(lab.address('primary'), async (port) => {
      const script = ['server 127.0.0.1', `port ${port}`, `key ${TEST_KEY.name} ${TEST_KEY.secret}`, 'connect', 'new failover-state', 'set name = "pair"', 'open', ''];
      // Asynchronously: the relay runs on this process's event loop.
      expect(await runOmshell(script.join('\n'))).toContain('local-state = 00:00:00:02');
    });
    writeExchange(
      'omshell-open-failover-state-signed.hex',
      [
        "ISC's own client (omshell, same package) doing what our client does with a key: the reference for our encoder.",
        `Captured ${new Date().toISOString()} from ${version()} (primary of test/fixtures/omapi/dhcpd/primary.conf).`,
        `omshell commands: server / port / key ${TEST_KEY.name} <test-key.json secret> / connect / new failover-state / set name = "pair" / open`,
      ],
      frames,
    );
  });
});

(partnerDownEnabled ? describe : describe.skip)('capture the partner-down exchanges from a real dhcpd pair', () => {
  let lab: NetnsLab;
  const version = () => spawnSync(dhcpdBinary() ?? 'dhcpd', ['--version'], { encoding: 'utf8' }).stderr.trim();
  const start = async () => {
    await Promise.all([lab.startDhcpd('primary', PRIMARY_CONF), lab.startDhcpd('secondary', SECONDARY_CONF)]);
    await Promise.all(['primary', 'secondary'].map((n) => lab.waitForLog(n, /Both servers normal/, 60_000)));
  };

  beforeAll(async () => {
    lab = NetnsLab.create({ nodes: ['primary', 'secondary'] });
    await start();
  }, 90_000);

  afterAll(async () => {
    await lab?.destroy();
  });

  it('records our update of local-state on the keyed primary, then omshell\'s on the secondary', async () => {
    await lab.killDhcpd('secondary');
    await lab.waitForLog('primary', /I move from normal to communications-interrupted/, 30_000);
    const ours = await record(lab.address('primary'), async (port) => {
      const conn = await OmapiConnection.connect({ host: '127.0.0.1', port, key: TEST_KEY, timeoutMs: 2000, firstId: 0x6000 });
      try {
        await updateFailoverLocalState(conn, 'pair', PARTNER_DOWN);
      } finally {
        conn.close();
      }
    });
    await lab.waitForLog('primary', /I move from communications-interrupted to partner-down/, 10_000);
    writeExchange(
      'update-partner-down-signed.hex',
      [
        'HMAC-MD5: authenticator open, signed open of failover-state "pair", then a signed update setting local-state to 4; dhcpd answers a status.',
        `Captured ${new Date().toISOString()} from ${version()} (primary of test/fixtures/omapi/dhcpd/primary.conf, secondary stopped: primary in communications-interrupted).`,
        `Client: this project's OmapiConnection, firstId 0x6000, key "${TEST_KEY.name}". dhcpd logged "I move from communications-interrupted to partner-down".`,
      ],
      ours,
    );

    // The secondary in its turn: the pair back to normal, the primary stopped.
    await lab.killDhcpd('primary');
    await start();
    await lab.killDhcpd('primary');
    await lab.waitForLog('secondary', /I move from normal to communications-interrupted/, 30_000);
    const omshell = await record(lab.address('secondary'), async (port) => {
      const script = ['server 127.0.0.1', `port ${port}`, 'connect', 'new failover-state', 'set name = "pair"', 'open', 'set local-state = 4', 'update', ''];
      expect(await runOmshell(script.join('\n'))).toMatch(/local-state = 4\n/);
    });
    await lab.waitForLog('secondary', /I move from communications-interrupted to partner-down/, 10_000);
    writeExchange(
      'omshell-update-partner-down.hex',
      [
        "ISC's omshell setting partner-down: the reference for our update message (omshell's first id is glibc random()'s first value, 0x6b8b4567).",
        `Captured ${new Date().toISOString()} from ${version()} (secondary of test/fixtures/omapi/dhcpd/secondary.conf, primary stopped).`,
        'omshell commands: server / port / connect / new failover-state / set name = "pair" / open / set local-state = 4 / update',
      ],
      omshell,
    );
  }, 180_000);
});

function runOmshell(input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('omshell', { stdio: ['pipe', 'pipe', 'inherit'], timeout: 10_000 });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', () => resolve(out));
    child.stdin.end(input);
  });
}

function hasOmshell(): boolean {
  return spawnSync('sh', ['-c', 'command -v omshell'], { stdio: 'ignore' }).status === 0;
}

/** Runs `exchange` against a relay on 127.0.0.1 to host:7911 and returns the bytes seen, merged into direction runs. */
async function record(host: string, exchange: (port: number) => Promise<void>): Promise<Frame[]> {
  const frames: Frame[] = [];
  const note = (direction: Frame['direction'], bytes: Buffer) => {
    const last = frames[frames.length - 1];
    if (last?.direction === direction) last.bytes = Buffer.concat([last.bytes, bytes]);
    else frames.push({ direction, bytes });
  };
  const closed: Array<Promise<void>> = [];
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    closed.push(new Promise((resolve) => upstream.on('close', () => resolve())));
    upstream.connect(OMAPI_PORT, host);
    client.on('data', (d: Buffer) => {
      note('C>S', d);
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      note('S>C', d);
      client.write(d);
    });
    client.on('close', () => upstream.end());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await exchange((server.address() as { port: number }).port);
    await Promise.all(closed);
  } finally {
    server.close();
  }
  return frames;
}
