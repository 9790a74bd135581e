/**
 * The SSH transport against a real OpenSSH sshd (demo/sshd.ts, on 127.0.0.1, its own config and keys) and the
 * real dhcpd: pinning, SFTP reads and atomic replaces, dhcpd -t in a private remote folder, the reload command
 * through the remote shell with hostile words, every connection failure as SERVER_UNREACHABLE, a full disk.
 * Skipped, saying so, without root and sshd.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../bench/service-process';
import { cleanupLeftovers } from '../../demo/netns-lab';
import { canRunSshd, Sshd } from '../../demo/sshd';
import { loadSettings, type ServerHooks } from '../../src/config';
import { TransportError } from '../../src/transport/server-files';
import { SshConnections, SshFiles, type SshTarget } from '../../src/transport/ssh';
import { Site } from '../helpers/site';

const run = canRunSshd() ? describe : describe.skip;
if (!canRunSshd()) console.warn('ssh-transport: skipped (needs root and /usr/sbin/sshd)');

const VALID = 'default-lease-time 600;\nsubnet 198.51.100.0 netmask 255.255.255.0 {\n  range 198.51.100.10 198.51.100.20;\n}\n';

run('the SSH transport against a real sshd', () => {
  let sshd: Sshd;
  let root: string;
  const connections = new SshConnections();
  const hooks = (over: Partial<ServerHooks> = {}): ServerHooks => ({ ...loadSettings({}).hooksFor('x'), dhcpd: '/usr/sbin/dhcpd', ...over });
  const target = (over: Partial<SshTarget> = {}): SshTarget => ({ host: '127.0.0.1', port: sshd.options.port, user: 'root', privateKeyFile: sshd.clientKeyFile, hostKey: sshd.hostKey, ...over });
  const files = (over: Partial<ServerHooks> = {}, t: Partial<SshTarget> = {}) => new SshFiles(connections, target(t), hooks(over));
  const failure = async (p: Promise<unknown>): Promise<TransportError> => {
    const e = await p.then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(TransportError);
    return e as TransportError;
  };
  const tmpFolders = () => readdirSync(tmpdir()).filter((n) => n.startsWith('dfg-check.'));

  beforeAll(async () => {
    sshd = await Sshd.start({ listen: '127.0.0.1', port: await freePort() });
    // a remote folder whose name a shell would split, expand and run
    root = path.join(sshd.dir, "etc dhcp 'q' $(touch PWNED) `touch PWNED2`");
    mkdirSync(root);
  });
  afterAll(async () => {
    await connections.close();
    await sshd?.destroy();
  });

  it('reads, stats and streams over SFTP; a missing file is null', async () => {
    const file = path.join(root, 'read.conf');
    writeFileSync(file, VALID);
    const f = files();
    expect((await f.read(file))?.toString()).toBe(VALID);
    expect(await f.read(path.join(root, 'missing.conf'))).toBeNull();
    expect(await f.stat(path.join(root, 'missing.conf'))).toBeNull();
    expect((await f.stat(file))?.size).toBe(VALID.length);
    const chunks: Buffer[] = [];
    for await (const c of f.stream(file)) chunks.push(c);
    expect(Buffer.concat(chunks).toString()).toBe(VALID);
  });

  it('replaces atomically: same folder, the mode kept, no temp file left, a symlink followed', async () => {
    const file = path.join(root, 'mode.conf');
    writeFileSync(file, 'old\n');
    chmodSync(file, 0o640);
    const link = path.join(root, 'link.conf');
    symlinkSync(file, link);
    await files().replace(link, Buffer.from('new\n'));
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect(statSync(file).mode & 0o7777).toBe(0o640);
    expect(existsSync(link) && readFileSync(link, 'utf8')).toBe('new\n');
    expect(readdirSync(root).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    await files().replace(path.join(root, 'fresh.conf'), Buffer.from('x\n'));
    expect(statSync(path.join(root, 'fresh.conf')).mode & 0o777).toBe(0o644);
    await files().replace(path.join(root, 'fresh.conf'), null);
    expect(existsSync(path.join(root, 'fresh.conf'))).toBe(false);
  });

  it('stages the new bytes in a temp file beside the file, untouched until the swap; a discarded one leaves nothing', async () => {
    const file = path.join(root, 'staged.conf');
    writeFileSync(file, 'old\n');
    chmodSync(file, 0o640);
    const staged = await files().stage(file, Buffer.from('new\n'));
    expect(readFileSync(file, 'utf8')).toBe('old\n');
    const temps = readdirSync(root).filter((n) => n.startsWith('.staged.conf.') && n.endsWith('.tmp'));
    expect(temps).toHaveLength(1);
    expect(statSync(path.join(root, temps[0])).mode & 0o7777).toBe(0o640);
    await staged.swap();
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    await (await files().stage(file, Buffer.from('never\n'))).discard();
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect(readdirSync(root).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('writes a file of many SFTP chunks, several in flight, byte for byte', async () => {
    const file = path.join(root, 'big.conf');
    writeFileSync(file, 'old\n');
    const content = randomBytes(40 * 32 * 1024 + 123);
    await files().replace(file, content);
    expect(readFileSync(file).equals(content)).toBe(true);
  });

  it("another lab's cleanup of dead runs' leftovers leaves a live sshd's folder alone", async () => {
    cleanupLeftovers();
    expect(existsSync(sshd.clientKeyFile)).toBe(true);
  });

  it("checks a candidate with the server's dhcpd -t in a private folder it then removes, messages as for LOCAL", async () => {
    const before = tmpFolders();
    const file = path.join(root, 'dhcpd.conf');
    expect(await files().validate(file, new Map([[file, VALID]]))).toEqual(expect.objectContaining({ ok: true }));
    const bad = await files().validate(file, new Map([[file, `${VALID}no-such-statement 1;\n`]]));
    expect(bad.ok).toBe(false);
    expect(bad.messages[0]).toMatch(/^line 5: .* \(at: no-such-statement 1;\)$/);
    expect(bad.output).toContain('<candidate>');
    expect(bad.output).not.toContain(tmpdir() + '/dfg-check.');
    expect(tmpFolders()).toEqual(before);
    expect(existsSync(path.join(root, '..', 'PWNED')) || existsSync('PWNED') || existsSync(path.join(sshd.dir, 'PWNED'))).toBe(false);
    // no dhcpd at the configured name: a failure naming the setting, and still no folder left
    const missing = await failure(files({ dhcpd: "/nonexistent/dhcpd" }).validate(file, new Map([[file, VALID]])));
    expect(missing.message).toContain('servers.<name>.dhcpd');
    expect(tmpFolders()).toEqual(before);
  });

  it('runs the reload argv through the remote shell word for word, hostile words included', async () => {
    const out = path.join(root, "out $(x) 'y'\n.txt");
    const word = "a'b \"c\" $(touch PWNED) `touch PWNED` ; * \\ \n$HOME";
    await files({ reload: ['/bin/sh', '-c', 'printf "%s" "$1" > "$2"', 'sh', word, out] }).reload();
    expect(readFileSync(out, 'utf8')).toBe(word);
    const failed = await failure(files({ reload: ['/bin/sh', '-c', 'echo nope >&2; exit 3'] }).reload());
    expect(failed.message).toBe('reload command exited with 3 on the server: nope');
    expect(failed.kind).toBe('failed');
  });

  it('refuses a wrong or a missing host key pin, naming both fingerprints, as unreachable', async () => {
    const other = 'SHA256:' + 'A'.repeat(43);
    const wrong = await failure(files({}, { hostKey: other }).read(path.join(root, 'read.conf')));
    expect(wrong.kind).toBe('unreachable');
    expect(wrong.message).toContain(`is ${sshd.hostKey}, not the pinned ${other}: refused`);
    const none = await failure(files({}, { hostKey: undefined }).read(path.join(root, 'read.conf')));
    expect(none.kind).toBe('unreachable');
    expect(none.message).toContain('no host key is pinned');
  });

  it('says why a connection failed: refused, authentication, no handshake within 5 s; the key never in a message', async () => {
    const refused = await failure(files({}, { port: await freePort() }).read('/x'));
    expect([refused.kind, refused.message]).toEqual(['unreachable', expect.stringContaining('refused')]);
    const otherKey = path.join(sshd.dir, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
    const auth = await failure(files({}, { privateKeyFile: otherKey }).read('/x'));
    expect([auth.kind, auth.message]).toEqual(['unreachable', expect.stringContaining('authentication as "root"')]);
    const garbage = path.join(sshd.dir, 'garbage');
    writeFileSync(garbage, 'SECRET-KEY-MATERIAL\n');
    const unusable = await failure(files({}, { privateKeyFile: garbage }).read('/x'));
    expect(unusable.message).not.toContain('SECRET');
    for (const e of [refused, auth, unusable]) expect(e.message).not.toContain(readFileSync(otherKey, 'utf8').split('\n')[1]);
    // a TCP listener that never speaks SSH
    const silent: Server = await new Promise((resolve) => {
      const s = createServer(() => undefined).listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const started = Date.now();
      const timeout = await failure(files({}, { port: (silent.address() as AddressInfo).port }).read('/x'));
      expect(Date.now() - started).toBeLessThan(7_000);
      expect([timeout.kind, timeout.message]).toEqual(['unreachable', expect.stringMatching(/within 5 s/)]);
    } finally {
      silent.close();
    }
  }, 15_000);

  it('reuses one connection, and reconnects after sshd came back', async () => {
    const file = path.join(root, 'read.conf');
    await files().read(file);
    await sshd.stop();
    const down = await failure(files().read(file));
    expect(down.kind).toBe('unreachable');
    await sshd.resume();
    expect((await files().read(file))?.toString()).toBe(VALID);
  });

  it('a full remote disk: ENOSPC, the file and its folder as they were', async () => {
    const disk = path.join(sshd.dir, 'full');
    mkdirSync(disk);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', disk]);
    try {
      const file = path.join(disk, 'dhcpd.conf');
      writeFileSync(file, VALID);
      try {
        execFileSync('dd', ['if=/dev/zero', `of=${path.join(disk, 'filler')}`, 'bs=4k'], { stdio: 'ignore' });
      } catch {
        // dd stops at ENOSPC: the disk is full
      }
      const listing = readdirSync(disk);
      const e = await failure(files().replace(file, Buffer.from(VALID.repeat(20))));
      expect([e.kind, e.cause]).toEqual(['failed', 'ENOSPC']);
      expect(readFileSync(file, 'utf8')).toBe(VALID);
      expect(readdirSync(disk)).toEqual(listing);
    } finally {
      execFileSync('umount', [disk]);
    }
  });

  describe('through the API', () => {
    let site: Site;
    let serversFile: string;
    // a second sshd of this machine: to the gateway another machine, whose files have the same paths
    let twin: Sshd;
    beforeAll(async () => {
      twin = await Sshd.start({ listen: '127.0.0.1', port: await freePort() });
      serversFile = path.join(sshd.dir, 'servers.json');
      const ssh = { host: '127.0.0.1', port: sshd.options.port, user: 'root', privateKeyFile: sshd.clientKeyFile };
      const refusing = path.join(twin.dir, 'refusing-dhcpd');
      writeFileSync(refusing, '#!/bin/sh\necho "this dhcpd refuses every configuration"\nexit 1\n', { mode: 0o755 });
      writeFileSync(
        serversFile,
        JSON.stringify({
          servers: {
            good: { ssh: { ...ssh, hostKey: sshd.hostKey }, remoteRoot: root, dhcpd: '/usr/sbin/dhcpd' },
            wrongpin: { ssh: { ...ssh, hostKey: 'SHA256:' + 'B'.repeat(43) }, remoteRoot: root },
            nopin: { ssh, remoteRoot: root },
            twin: { ssh: { ...ssh, port: twin.options.port, privateKeyFile: twin.clientKeyFile, hostKey: twin.hostKey }, remoteRoot: root, dhcpd: refusing },
          },
        }),
      );
      writeFileSync(path.join(root, 'dhcpd.conf'), VALID);
      site = await Site.start({ GATEWAY_SERVERS_FILE: serversFile });
    });
    afterAll(async () => {
      await site?.stop();
      await twin?.destroy();
    });
    const add = (name: string, address: string, configPath: string, transport = 'SSH') =>
      `mutation { addServer(input: { name: "${name}", address: "${address}", configPath: ${JSON.stringify(configPath)}, transport: ${transport} }) { name transport configPath configFiles scopes { network } } }`;
    const count = async () => (await site.gateway.db.query('SELECT COUNT(*) AS n FROM dhcp_server'))[0].n as number;

    it('refuses an SSH server without ssh settings, a configPath outside remoteRoot, an unpinned or wrongly pinned host', async () => {
      expect(await site.refused(add('nossh', '198.51.100.9', '/etc/dhcp/dhcpd.conf'))).toEqual(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'transport' }));
      expect((await site.refused(add('good', '198.51.100.9', `${root}/../dhcpd.conf`))).code).toBe('FORBIDDEN');
      const wrong = await site.refused(add('wrongpin', '198.51.100.9', 'dhcpd.conf'));
      expect(wrong.code).toBe('SERVER_UNREACHABLE');
      expect(wrong.message).toContain('not the pinned');
      const none = await site.refused(add('nopin', '198.51.100.9', 'dhcpd.conf'));
      expect([none.code, none.message]).toEqual(['SERVER_UNREACHABLE', expect.stringContaining('no host key is pinned')]);
      expect(await count()).toBe(0);
    });

    it('registers an SSH server, importing its file over SFTP', async () => {
      const { addServer } = await site.ok(add('good', '198.51.100.9', 'dhcpd.conf'));
      expect(addServer).toEqual({ name: 'good', transport: 'SSH', configPath: path.join(root, 'dhcpd.conf'), configFiles: [path.join(root, 'dhcpd.conf')], scopes: [{ network: '198.51.100.0/24' }] });
      expect(readFileSync(path.join(root, 'dhcpd.conf'), 'utf8')).toBe(VALID);
    });

    it("reviews two SSH servers whose files have one path and one content each by its own dhcpd -t: neither takes the other's verdict", async () => {
      await site.ok(add('twin', '198.51.100.10', 'dhcpd.conf'));
      const problems = `{ servers { name configPath problems { code message } } }`;
      const expected = [
        { name: 'good', configPath: path.join(root, 'dhcpd.conf'), problems: [] },
        { name: 'twin', configPath: path.join(root, 'dhcpd.conf'), problems: [{ code: 'CURRENT_FILE_INVALID', message: expect.stringContaining('this dhcpd refuses every configuration') }] },
      ];
      expect((await site.ok(problems)).servers).toEqual(expected);
      // asked again (the verdicts kept), and the twin first
      expect((await site.ok(`{ server(name: "twin") { problems { code } } }`)).server.problems).toEqual([{ code: 'CURRENT_FILE_INVALID' }]);
      expect((await site.ok(problems)).servers).toEqual(expected);
    });
  });
});
