/**
 * `npm run bench -- --ssh [--subnets N]`: the generated 10,000-subnet pair (bench/pair-config.ts) served over SSH,
 * each server from a throw-away loopback sshd of its own (demo/sshd.ts, no namespace; its files in a temporary
 * folder as remoteRoot), every figure next to its baseline measured in the same run: addServer against one
 * remote `dhcpd -t` of that file, and a failover mutation against the two remote `dhcpd -t` runs it needs, run
 * over SSH in parallel as the gateway runs them. Needs root and OpenSSH's sshd (demo/sshd.ts).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createGateway } from '../src/app';
import { loadSettings, type Settings } from '../src/config';
import { SshConnections, SshFiles } from '../src/transport/ssh';
import { canRunSshd, Sshd } from '../demo/sshd';
import { PAIR_ADDRESSES, PEER, pairConfig } from './pair-config';

const TOKEN = 'bench-admin-token';
export const SSH_TARGET_RATIO = 1.3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One server's candidate, checked where it lives. */
export interface RemoteCandidate {
  /** its name in GATEWAY_SERVERS_FILE */
  name: string;
  /** where its sshd listens */
  host: string;
  /** the file as configPath names it, absolute on the server */
  file: string;
  text: string;
}

/**
 * The median of `runs` rounds of `dhcpd -t` on every candidate over SSH, in parallel, as the gateway validates
 * a change (SshFiles.validate: a private temp folder, the candidate written over SFTP, the server's dhcpd run
 * through its shell, the folder removed). The connections are opened before the clock starts, as the gateway's
 * are after addServer.
 */
export async function remoteValidationsMs(settings: Settings, candidates: RemoteCandidate[], runs = 3): Promise<number> {
  const connections = new SshConnections();
  try {
    const checks = candidates.map((c) => {
      const hooks = settings.hooksFor(c.name);
      if (!hooks.ssh) throw new Error(`no ssh settings for ${c.name}`);
      return { c, files: new SshFiles(connections, { ...hooks.ssh, host: hooks.ssh.host ?? c.host }, hooks) };
    });
    await Promise.all(checks.map(({ c, files }) => files.stat(c.file)));
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      const results = await Promise.all(checks.map(({ c, files }) => files.validate(c.file, new Map([[c.file, c.text]]))));
      times.push(performance.now() - start);
      const refused = results.findIndex((r) => !r?.ok);
      if (refused >= 0) throw new Error(`dhcpd -t refused ${candidates[refused].name}'s file: ${results[refused]?.output}`);
    }
    return median(times);
  } finally {
    await connections.close();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function post(url: string, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors).slice(0, 500)}`);
  return body.data;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await fn();
  return { ms: performance.now() - start, result };
}

const ROLES = ['primary', 'secondary'] as const;

export async function sshBench(subnets: number, json: boolean): Promise<void> {
  const say = (line: string) => {
    if (!json) console.log(line);
  };
  if (!canRunSshd()) throw new Error('bench --ssh needs root and OpenSSH (/usr/sbin/sshd, ssh-keygen; Debian: apt-get install openssh-server)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-bench-ssh-'));
  const sshds: Sshd[] = [];
  let http: Server | undefined;
  let stopGateway: (() => Promise<void>) | undefined;
  const figures: Record<string, number> = {};
  try {
    say(`generating a pair with ${subnets} subnets each, served by two loopback sshds…`);
    const servers: Record<string, unknown> = {};
    const files: Record<string, string> = {};
    for (const role of ROLES) {
      const remoteRoot = path.join(dir, `${role}-etc-dhcp`);
      mkdirSync(remoteRoot);
      files[role] = path.join(remoteRoot, `${role}.conf`);
      writeFileSync(files[role], pairConfig(role, subnets));
      const sshd = await Sshd.start({ listen: '127.0.0.1', port: await freePort() });
      sshds.push(sshd);
      servers[role] = {
        ssh: { host: '127.0.0.1', port: sshd.options.port, user: 'root', privateKeyFile: sshd.clientKeyFile, hostKey: sshd.hostKey },
        remoteRoot,
        dhcpd: '/usr/sbin/dhcpd',
        // nothing to reload on loopback; the command still costs the SSH round trip a real reload has
        reload: ['true'],
      };
    }
    const serversFile = path.join(dir, 'servers.json');
    writeFileSync(serversFile, JSON.stringify({ servers }), { mode: 0o600 });
    const configRoot = path.join(dir, 'local');
    mkdirSync(configRoot);
    const settings = loadSettings({ DATABASE_URL: `sqlite:${path.join(dir, 'gateway.db')}`, CONFIG_ROOT: configRoot, GATEWAY_ADMIN_TOKEN: TOKEN, GATEWAY_SERVERS_FILE: serversFile });
    const gw = await createGateway(settings, { log: () => {} });
    stopGateway = () => gw.stop();
    http = await new Promise<Server>((resolve) => {
      const s = gw.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
    const candidate = (role: (typeof ROLES)[number]): RemoteCandidate => ({ name: role, host: '127.0.0.1', file: files[role], text: readFileSync(files[role], 'utf8') });

    figures.fileBytes = Buffer.byteLength(readFileSync(files.primary));
    figures.oneRemoteValidationMs = await remoteValidationsMs(settings, [candidate('primary')]);
    const add = (role: (typeof ROLES)[number]) =>
      timed(() => post(url, 'mutation($i: AddServerInput!) { addServer(input: $i) { id } }', { i: { name: role, address: PAIR_ADDRESSES[role], configPath: `${role}.conf`, transport: 'SSH' } }));
    figures.addServerMs = (await add('primary')).ms;
    await add('secondary');

    // scopes of the primary that are not in the relationship yet: the pools of every odd subnet carry no peer
    const page = await post(url, '{ scopes(server: "primary", first: 8) { edges { node { id network failoverRole } } } }');
    const outside = page.scopes.edges.map((e: any) => e.node).filter((s: any) => s.failoverRole === null);
    if (outside.length < 4) throw new Error('fewer than 4 scopes outside the relationship on the primary');
    // Four rounds, as in bench/run.ts: the mutation, then the two remote dhcpd -t it needed, on the files it left.
    // The first follows the import (omapi-port added too); the figure is the median of the next three.
    const mutations: number[] = [];
    const checks: number[] = [];
    for (const scope of outside.slice(0, 4)) {
      mutations.push((await timed(() => post(url, 'mutation($n: String!, $s: [ID!]!) { addScopesToFailoverRelationship(name: $n, scopeIds: $s) { name } }', { n: PEER, s: [scope.id] }))).ms);
      checks.push(await remoteValidationsMs(settings, ROLES.map(candidate), 1));
    }
    [figures.failoverMutationFirstMs, figures.twoRemoteValidationsFirstMs] = [mutations[0], checks[0]];
    figures.failoverMutationMs = median(mutations.slice(1));
    figures.twoRemoteValidationsMs = median(checks.slice(1));
  } finally {
    await new Promise((r) => (http ? http.close(r) : r(undefined)));
    await stopGateway?.().catch(() => undefined);
    for (const s of sshds) await s.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
  if (json) {
    console.log(JSON.stringify(figures, null, 2));
    return;
  }
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const rows: [string, string, string, string][] = [
    ['addServer over SSH (the file read over SFTP and imported)', `${figures.addServerMs.toFixed(0)} ms`, `one remote dhcpd -t ${figures.oneRemoteValidationMs.toFixed(0)} ms`, ratio(figures.addServerMs, figures.oneRemoteValidationMs)],
    [
      'addScopesToFailoverRelationship over SSH (both files written, reload run), after a first one (median of 3)',
      `${figures.failoverMutationMs.toFixed(0)} ms`,
      `two remote dhcpd -t in parallel (median of 3) ${figures.twoRemoteValidationsMs.toFixed(0)} ms`,
      `${ratio(figures.failoverMutationMs, figures.twoRemoteValidationsMs)} (target ≤ ${SSH_TARGET_RATIO}×)`,
    ],
    [
      'the first one after the import (omapi-port added too)',
      `${figures.failoverMutationFirstMs.toFixed(0)} ms`,
      `its two remote dhcpd -t ${figures.twoRemoteValidationsFirstMs.toFixed(0)} ms`,
      ratio(figures.failoverMutationFirstMs, figures.twoRemoteValidationsFirstMs),
    ],
  ];
  say(`file: ${(figures.fileBytes / 1e6).toFixed(2)} MB per server, ${subnets} subnets`);
  say('');
  say('| figure | measured | baseline, same run | ratio |');
  say('| --- | --- | --- | --- |');
  for (const r of rows) say(`| ${r.join(' | ')} |`);
}
