/**
 * A failover pair configured over SSH only: each lab namespace (demo/netns-lab.ts) runs a real OpenSSH sshd
 * (demo/sshd.ts) and, started by the reload command that the gateway runs over SSH, a real dhcpd on the files
 * the gateway wrote over SFTP. Each server's subnet lives in a file its main file includes (by absolute path,
 * as dhcpd itself is started elsewhere than in the file's folder), so the edits of the subnets land in the
 * included files over SFTP. Both reach normal; then a changed host key, a missing pin, an sshd stopped in the
 * middle of a change and a full remote disk each leave every file on both machines byte-identical, with the
 * right code. Needs root, iproute2, dhcpd and sshd; elsewhere skipped.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { baseConfig, bothNormal, configurePair, LAB_NODES, PRIMARY, RELATIONSHIP, SECONDARY, waitForLiveState, type PairServer, type RunGraphQL } from '../../../demo/pair-scenario';
import { canRunSshd, Sshd } from '../../../demo/sshd';
import { canRunNetns, NetnsLab } from '../../helpers/netns';
import { Site } from '../../helpers/site';

const run = canRunNetns() && canRunSshd() ? describe : describe.skip;
const MODIFY = `mutation M($mclt: Int!) { modifyFailoverRelationship(input: { name: "${RELATIONSHIP}", mclt: $mclt }) { mclt } }`;
/** max-response-delay is in both peer declarations: both files change, the secondary's first */
const MODIFY_BOTH = `mutation M($delay: Int!) { modifyFailoverRelationship(input: { name: "${RELATIONSHIP}", maxResponseDelay: $delay }) { maxResponseDelay } }`;

run('a failover pair configured over SSH only', () => {
  let lab: NetnsLab | undefined;
  let site: Site | undefined;
  const sshd = new Map<string, Sshd>();
  let gql: RunGraphQL;
  let fullDisk: string | undefined;
  const rootOf = (s: PairServer) => path.join(lab!.workDir, `${s.node}-etc-dhcp`);
  const fileOf = (s: PairServer) => path.join(rootOf(s), s.configFile);
  const includedOf = (s: PairServer) => path.join(rootOf(s), `${s.node}-subnets.conf`);
  const hold = () => path.join(lab!.workDir, 'hold');
  const snapshot = () => [PRIMARY, SECONDARY].flatMap((s) => [fileOf(s), includedOf(s)].map((f) => readFileSync(f, 'utf8')));

  /** The lab's base file with its subnet moved into the included file. */
  function writeSplitConfig(s: PairServer): void {
    const base = baseConfig(s);
    const at = base.indexOf('subnet 198.51.100.0');
    writeFileSync(fileOf(s), `${base.slice(0, at)}include "${includedOf(s)}";\n`);
    writeFileSync(includedOf(s), base.slice(at));
  }

  /** The reload command: (re)starts dhcpd in the node's namespace; the secondary's waits while `hold` exists. */
  function reloadScript(s: PairServer): string {
    const dir = lab!.workDir;
    const script = path.join(dir, `${s.node}-reload.sh`);
    const pid = path.join(dir, `${s.node}-dhcpd.pid`);
    const leases = path.join(dir, `${s.node}.leases`);
    const wait = s === SECONDARY ? `if [ -e "${hold()}" ]; then touch "${hold()}.held"; n=0; while [ -e "${hold()}" ] && [ $n -lt 200 ]; do sleep 0.1; n=$((n+1)); done; fi\n` : '';
    writeFileSync(
      script,
      `#!/bin/sh\nset -e\n${wait}if [ -s "${pid}" ] && kill "$(cat "${pid}")" 2>/dev/null; then while kill -0 "$(cat "${pid}")" 2>/dev/null; do sleep 0.05; done; fi\ntouch "${leases}"\nexec /usr/sbin/dhcpd -4 -q -cf "${fileOf(s)}" -lf "${leases}" -pf "${pid}" eth0\n`,
      { mode: 0o700 },
    );
    return script;
  }

  beforeAll(async () => {
    lab = NetnsLab.create({ nodes: LAB_NODES });
    const servers: Record<string, unknown> = {};
    for (const s of [PRIMARY, SECONDARY]) {
      mkdirSync(rootOf(s));
      if (s === PRIMARY) {
        // the primary's folder is a small disk of its own, to fill later
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', rootOf(s)]);
        fullDisk = rootOf(s);
      }
      writeSplitConfig(s);
      const d = await Sshd.start({ listen: lab.address(s.node), port: 22, netns: lab.netns(s.node) });
      sshd.set(s.node, d);
      servers[s.name] = {
        omapiPort: s.omapiPort,
        ssh: { user: 'root', privateKeyFile: d.clientKeyFile, hostKey: d.hostKey },
        remoteRoot: rootOf(s),
        dhcpd: '/usr/sbin/dhcpd',
        reload: ['/bin/sh', reloadScript(s)],
      };
    }
    const serversFile = path.join(lab.workDir, 'servers.json');
    writeFileSync(serversFile, JSON.stringify({ servers }), { mode: 0o600 });
    site = await Site.start({ GATEWAY_SERVERS_FILE: serversFile });
    gql = (query, variables) => site!.ok(query, variables);
  }, 120_000);

  afterAll(async () => {
    await site?.stop().catch(() => undefined);
    for (const d of sshd.values()) await d.destroy().catch(() => undefined);
    for (const s of [PRIMARY, SECONDARY]) {
      const pid = lab && path.join(lab.workDir, `${s.node}-dhcpd.pid`);
      if (pid && existsSync(pid)) execFileSync('/bin/sh', ['-c', `kill "$(cat '${pid}')" 2>/dev/null || true`]);
    }
    if (fullDisk) execFileSync('umount', ['-l', fullDisk]);
    await lab?.destroy();
  }, 60_000);

  it('configures both servers over SSH; the reload over SSH starts dhcpd, and both reach normal', async () => {
    const started = Date.now();
    await configurePair(gql, lab!, () => {}, { transport: 'SSH' });
    const { servers } = await gql<{ servers: { name: string; transport: string; configFiles: string[] }[] }>('{ servers { name transport configFiles } }');
    expect(servers).toEqual([PRIMARY, SECONDARY].map((s) => ({ name: s.name, transport: 'SSH', configFiles: [fileOf(s), includedOf(s)] })));
    for (const s of [PRIMARY, SECONDARY]) {
      // the declaration goes into the main file, before the include; the pools' statements into the included file
      const main = readFileSync(fileOf(s), 'utf8');
      expect(main.indexOf(`failover peer "${RELATIONSHIP}" {`)).toBeGreaterThan(-1);
      expect(main.indexOf(`failover peer "${RELATIONSHIP}" {`)).toBeLessThan(main.indexOf('include "'));
      expect(readFileSync(includedOf(s), 'utf8')).toContain(`  pool {\n    failover peer "${RELATIONSHIP}";\n`);
    }
    const { live } = await waitForLiveState(gql, bothNormal, 60_000);
    expect(bothNormal(live)).toBe(true);
    console.log(`ssh pair: both normal ${Date.now() - started} ms after the first addServer`);
  }, 90_000);

  it('a changed host key on the secondary: SERVER_UNREACHABLE, both files as they were', async () => {
    const d = sshd.get(SECONDARY.node)!;
    const key = path.join(d.dir, 'host_ed25519');
    copyFileSync(key, `${key}.orig`);
    copyFileSync(`${key}.pub`, `${key}.pub.orig`);
    await d.stop();
    rmSync(key);
    rmSync(`${key}.pub`);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    await d.resume();
    try {
      const before = snapshot();
      const r = await site!.refused(MODIFY, { mclt: 1800 });
      expect(r.code).toBe('SERVER_UNREACHABLE');
      expect(r.message).toContain(`not the pinned ${d.hostKey}`);
      expect(snapshot()).toEqual(before);
    } finally {
      await d.stop();
      copyFileSync(`${key}.orig`, key);
      copyFileSync(`${key}.pub.orig`, `${key}.pub`);
      await d.resume();
    }
  }, 60_000);

  it('an sshd stopped in the middle of a change: SERVER_UNREACHABLE, the written secondary put back', async () => {
    const before = snapshot();
    writeFileSync(hold(), '');
    const refused = site!.refused(MODIFY_BOTH, { delay: 45 });
    // the secondary's file is written and its reload waits: now the primary's SSH goes away
    for (let i = 0; i < 200 && !existsSync(`${hold()}.held`); i++) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(`${hold()}.held`)).toBe(true);
    await sshd.get(PRIMARY.node)!.stop();
    rmSync(hold());
    const r = await refused;
    expect(r.code).toBe('SERVER_UNREACHABLE');
    expect(snapshot()).toEqual(before);
    rmSync(`${hold()}.held`);
    await sshd.get(PRIMARY.node)!.resume();
  }, 60_000);

  it('a full disk on the primary: CONFIG_APPLY_FAILED with ENOSPC, both files as they were', async () => {
    const filler = path.join(fullDisk!, 'filler');
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k'], { stdio: 'ignore' });
    } catch {
      // dd stops at ENOSPC
    }
    try {
      const before = snapshot();
      const res = await site!.gql(MODIFY, { mclt: 2000 });
      expect(res.errors?.[0].extensions).toEqual(expect.objectContaining({ code: 'CONFIG_APPLY_FAILED', server: PRIMARY.name, cause: 'ENOSPC' }));
      expect(snapshot()).toEqual(before);
    } finally {
      rmSync(filler, { force: true });
    }
    // and the pair still takes a change afterwards
    expect(await gql(MODIFY, { mclt: 2100 })).toEqual({ modifyFailoverRelationship: { mclt: 2100 } });
  }, 60_000);

  it('a server without a pinned host key is refused at addServer, its file untouched', async () => {
    const dir = path.join(lab!.workDir, 'nopin');
    mkdirSync(dir);
    const d = sshd.get(PRIMARY.node)!;
    const file = path.join(dir, 'servers.json');
    writeFileSync(file, JSON.stringify({ servers: { other: { ssh: { user: 'root', privateKeyFile: d.clientKeyFile }, remoteRoot: rootOf(PRIMARY) } } }));
    const other = await Site.start({ GATEWAY_SERVERS_FILE: file });
    try {
      const before = snapshot();
      const r = await other.refused(`mutation { addServer(input: { name: "other", address: "${lab!.address(PRIMARY.node)}", configPath: "${PRIMARY.configFile}", transport: SSH }) { name } }`);
      expect([r.code, r.message]).toEqual(['SERVER_UNREACHABLE', expect.stringContaining('no host key is pinned')]);
      expect(snapshot()).toEqual(before);
      expect(await other.ok('{ servers { name } }')).toEqual({ servers: [] });
    } finally {
      await other.stop();
    }
  }, 30_000);
});
