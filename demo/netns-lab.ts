/**
 * A throw-away network of Linux network namespaces for running real dhcpd processes side by side:
 *
 *   root namespace (the test process)          namespace "<node 0>"      namespace "<node 1>"  …
 *   bridge  <subnet>.254/24  ── veth ──────────  eth0 <subnet>.1/24
 *                            ── veth ─────────────────────────────────  eth0 <subnet>.2/24
 *
 * so the test process reaches every node's OMAPI port directly, and the nodes reach each other through the bridge.
 *
 * The default subnet is 198.51.100.0/24 (TEST-NET-2), not 192.0.2.0/24: this machine's own uplink lives on
 * 192.0.2.0/24, and a second route to that subnet in the root namespace would send test traffic out of the box.
 *
 * Every name carries the creating process id (`dfg-<pid36>-<n>-…`), so a later run can remove what a crashed run
 * left behind without touching a lab that another live process (a parallel jest worker) is using.
 *
 * Two labs cannot share a subnet in the root namespace, so a lab claims its subnet with a lock file
 * (`<tmpdir>/dfglock-<subnet>`, holding the creating pid) and `create` waits while another live process holds it:
 * the real-dhcpd suites, run by parallel jest workers or by two people on one machine, take turns.
 *
 * Used by the real-dhcpd tests (through test/helpers/netns.ts) and by `npm run demo:pair` (demo/pair.ts), so it
 * imports nothing from test/.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const PREFIX = 'dfg';
/** namespaces and work directories: `dfg-<pid36>-…` */
const OWNED_PATTERN = /^dfg-([0-9a-z]+)-/;
/** links, whose names must fit in 15 characters: `dfg<pid36>-…` */
const LINK_PATTERN = /^dfg([0-9a-z]+)-/;
let labCounter = 0;

/** Root, iproute2 with netns support and a dhcpd binary: what the real-dhcpd tests need. Else they must be skipped. */
export function canRunNetns(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  if (!dhcpdBinary()) return false;
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** DHCPD_BIN, else the Debian location, else whatever `dhcpd` is on the PATH. */
export function dhcpdBinary(): string | undefined {
  const candidates = [process.env.DHCPD_BIN, '/usr/sbin/dhcpd', ...(process.env.PATH ?? '').split(':').map((d) => path.join(d, 'dhcpd'))];
  return candidates.find((c): c is string => !!c && isExecutable(c));
}

export interface NetnsLabOptions {
  /** node names, in address order: the first gets <subnet>.1, the second <subnet>.2, … */
  nodes: readonly string[];
  /** first three octets of the /24; default 198.51.100 */
  subnet?: string;
  /** how long to wait while another live process has a lab on the subnet; default 50 s (below jest's hook timeout) */
  waitForSubnetMs?: number;
}

export interface StartDhcpdOptions {
  /** lease file to use; default `<workDir>/<node>.leases`, created empty the first time and kept across restarts */
  leaseFile?: string;
  /** how long to wait for "Server starting service."; default 15 s */
  readyTimeoutMs?: number;
}

interface NodeState {
  netns: string;
  hostLink: string;
  address: string;
  dhcpd?: ChildProcess;
  log: string;
  /** when each chunk of `log` arrived: its end offset and Date.now() */
  arrivals: { end: number; at: number }[];
}

export class NetnsLab {
  /** the bridge's address in the root namespace: where the test process's traffic to the nodes comes from */
  readonly hostAddress: string;
  /** temporary directory holding lease and pid files */
  readonly workDir: string;
  private readonly nodes = new Map<string, NodeState>();
  private readonly bridge: string;
  private readonly subnetLock: string;

  private constructor(tag: string, subnet: string, names: readonly string[]) {
    this.subnetLock = subnetLockFile(subnet);
    this.hostAddress = `${subnet}.254`;
    this.bridge = `${PREFIX}${tag}b`;
    this.workDir = mkdtempSync(path.join(tmpdir(), `${PREFIX}-${tag}-lab-`));
    names.forEach((name, i) => {
      this.nodes.set(name, { netns: `${PREFIX}-${tag}-${name}`, hostLink: `${PREFIX}${tag}h${i}`, address: `${subnet}.${i + 1}`, log: '', arrivals: [] });
    });
  }

  /**
   * Creates the namespaces, veths and bridge; removes leftovers of dead runs first, and waits (blocking, polling
   * every 250 ms) while another live process has a lab on the same subnet.
   */
  static create(opts: NetnsLabOptions): NetnsLab {
    const subnet = opts.subnet ?? '198.51.100';
    if (!/^\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(subnet)) throw new Error(`subnet must be three octets, got "${subnet}"`);
    if (opts.nodes.length === 0 || opts.nodes.length > 253) throw new Error('a lab needs 1..253 nodes');
    if (opts.nodes.some((n) => !/^[a-z][a-z0-9]{0,15}$/.test(n))) throw new Error('node names must be short lowercase words');
    cleanupLeftovers();
    claimSubnet(subnet, opts.waitForSubnetMs ?? 50_000);
    const tag = `${process.pid.toString(36)}-${(labCounter++).toString(36)}`;
    let lab: NetnsLab;
    try {
      lab = new NetnsLab(tag, subnet, opts.nodes);
    } catch (err) {
      releaseSubnet(subnetLockFile(subnet));
      throw err;
    }
    try {
      lab.build(tag);
    } catch (err) {
      lab.teardown();
      throw err;
    }
    return lab;
  }

  address(node: string): string {
    return this.node(node).address;
  }

  /** The node's network namespace as `ip netns` names it, for processes a test starts there itself (sshd). */
  netns(node: string): string {
    return this.node(node).netns;
  }

  /** Everything the node's dhcpd wrote to stderr since it was last started (it runs with -d). */
  log(node: string): string {
    return this.node(node).log;
  }

  /** When (Date.now()) the first match of `pattern` in the node's current log was read, or undefined if none yet. */
  loggedAt(node: string, pattern: RegExp): number | undefined {
    const state = this.node(node);
    const match = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(state.log);
    if (!match) return undefined;
    const end = match.index + match[0].length;
    return state.arrivals.find((a) => a.end >= end)?.at;
  }

  /** Starts `dhcpd -4 -d -cf <config> -lf <leases> -pf <pid> eth0` in the node's namespace and waits until it serves. */
  async startDhcpd(node: string, configPath: string, opts: StartDhcpdOptions = {}): Promise<void> {
    const state = this.node(node);
    if (state.dhcpd) throw new Error(`dhcpd already running on ${node}`);
    const bin = dhcpdBinary();
    if (!bin) throw new Error('no dhcpd binary');
    const leaseFile = opts.leaseFile ?? path.join(this.workDir, `${node}.leases`);
    if (!existsSync(leaseFile)) writeFileSync(leaseFile, '');
    const args = ['netns', 'exec', state.netns, bin, '-4', '-d', '-cf', configPath, '-lf', leaseFile, '-pf', path.join(this.workDir, `${node}.pid`), 'eth0'];
    const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    state.dhcpd = child;
    state.log = '';
    state.arrivals = [];
    const append = (chunk: Buffer) => {
      state.log += chunk.toString();
      state.arrivals.push({ end: state.log.length, at: Date.now() });
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    // 'close' rather than 'exit': by then the last of its output has been read.
    child.on('close', () => {
      if (state.dhcpd === child) state.dhcpd = undefined;
    });
    await this.waitForLog(node, /Server starting service\./, opts.readyTimeoutMs ?? 15_000);
  }

  /** Stops the node's dhcpd (SIGTERM by default, SIGKILL to simulate a crash) and waits for it to exit. */
  async killDhcpd(node: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.node(node).dhcpd;
    if (child) await stopChild(child, signal);
  }

  /**
   * Runs a command inside the node's namespace and resolves with its exit code and combined output; it is killed
   * after `timeoutMs` (code null then). Whatever it leaves running in the namespace dies with the lab.
   */
  run(node: string, argv: readonly string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
    const { netns } = this.node(node);
    return new Promise((resolve, reject) => {
      const child = spawn('ip', ['netns', 'exec', netns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });
  }

  /** Resolves once the node's dhcpd log matches; rejects, with the log, on timeout or if dhcpd exits first. */
  waitForLog(node: string, pattern: RegExp, timeoutMs: number): Promise<void> {
    const state = this.node(node);
    return new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        if (pattern.test(state.log)) {
          clearInterval(poll);
          resolve();
        } else if (!state.dhcpd || Date.now() - started > timeoutMs) {
          clearInterval(poll);
          const why = state.dhcpd ? `no ${pattern} within ${timeoutMs} ms` : 'dhcpd is not running';
          reject(new Error(`${node}: ${why}; log:\n${state.log}`));
        }
      }, 50);
    });
  }

  /** Stops every dhcpd and removes namespaces, links and files. Safe to call twice. */
  async destroy(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => (n.dhcpd ? stopChild(n.dhcpd, 'SIGTERM') : undefined)));
    this.teardown();
  }

  private node(name: string): NodeState {
    const state = this.nodes.get(name);
    if (!state) throw new Error(`no node "${name}" in this lab`);
    return state;
  }

  private build(tag: string): void {
    ip(['link', 'add', this.bridge, 'type', 'bridge']);
    ip(['addr', 'add', `${this.hostAddress}/24`, 'dev', this.bridge]);
    ip(['link', 'set', this.bridge, 'up']);
    [...this.nodes.values()].forEach((n, i) => {
      const inner = `${PREFIX}${tag}n${i}`;
      ip(['netns', 'add', n.netns]);
      ip(['link', 'add', n.hostLink, 'type', 'veth', 'peer', 'name', inner]);
      ip(['link', 'set', n.hostLink, 'master', this.bridge]);
      ip(['link', 'set', n.hostLink, 'up']);
      ip(['link', 'set', inner, 'netns', n.netns]);
      ip(['-n', n.netns, 'link', 'set', inner, 'name', 'eth0']);
      ip(['-n', n.netns, 'addr', 'add', `${n.address}/24`, 'dev', 'eth0']);
      ip(['-n', n.netns, 'link', 'set', 'lo', 'up']);
      ip(['-n', n.netns, 'link', 'set', 'eth0', 'up']);
    });
  }

  /** Best effort on every step, so one failure does not leave the rest behind. */
  private teardown(): void {
    const failures: string[] = [];
    const attempt = (what: string, fn: () => void) => {
      try {
        fn();
      } catch (err) {
        failures.push(`${what}: ${(err as Error).message}`);
      }
    };
    for (const n of this.nodes.values()) {
      attempt(`processes in ${n.netns}`, () => killNetnsProcesses(n.netns));
      attempt(`link ${n.hostLink}`, () => deleteLinkIfPresent(n.hostLink));
      attempt(`netns ${n.netns}`, () => deleteNetnsIfPresent(n.netns));
    }
    attempt(`bridge ${this.bridge}`, () => deleteLinkIfPresent(this.bridge));
    attempt(`directory ${this.workDir}`, () => rmSync(this.workDir, { recursive: true, force: true }));
    attempt(`subnet lock ${this.subnetLock}`, () => releaseSubnet(this.subnetLock));
    if (failures.length > 0) throw new Error(`lab cleanup incomplete:\n${failures.join('\n')}`);
  }
}

/** Removes namespaces, links and work directories of this harness whose creating process is gone. */
export function cleanupLeftovers(): void {
  for (const ns of listNetns()) {
    const owner = OWNED_PATTERN.exec(ns)?.[1];
    if (owner && !processAlive(parseInt(owner, 36))) {
      killNetnsProcesses(ns);
      deleteNetnsIfPresent(ns);
    }
  }
  for (const link of listLinks()) {
    const owner = LINK_PATTERN.exec(link)?.[1];
    if (owner && !processAlive(parseInt(owner, 36))) deleteLinkIfPresent(link);
  }
  for (const dir of readdirSync(tmpdir())) {
    const owner = OWNED_PATTERN.exec(dir)?.[1];
    if (owner && !processAlive(parseInt(owner, 36))) rmSync(path.join(tmpdir(), dir), { recursive: true, force: true });
  }
}

function subnetLockFile(subnet: string): string {
  // Not "dfg-…": cleanupLeftovers() would read "lock" as an owner pid.
  return path.join(tmpdir(), `dfglock-${subnet}`);
}

/**
 * Takes the subnet's lock file (created exclusively, holding our pid) once it is free and the subnet is not routed
 * in the root namespace; a lock whose process is gone is removed. Best effort against two processes removing the
 * same stale lock at the same instant; that needs a crashed run and two waiters at once.
 */
function claimSubnet(subnet: string, waitMs: number): void {
  const file = subnetLockFile(subnet);
  const deadline = Date.now() + waitMs;
  for (;;) {
    let holder: string;
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      if (ip(['-o', 'route', 'show', 'to', 'exact', `${subnet}.0/24`]).trim() === '') return;
      // Routed by something that takes no lock (an older copy of this harness, or not a lab at all).
      releaseSubnet(file);
      holder = 'a route in the root namespace (another lab running?)';
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileIfPresent(file).trim());
      // An empty file is a lock being written right now.
      if (Number.isInteger(owner) && owner > 0 && !processAlive(owner)) {
        rmSync(file, { force: true });
        continue;
      }
      if (owner === process.pid) throw new Error(`this process already has a lab on ${subnet}.0/24`);
      holder = `process ${owner} (${file})`;
    }
    if (Date.now() > deadline) throw new Error(`${subnet}.0/24 is still in use after ${waitMs} ms, by ${holder}`);
    sleepSync(250);
  }
}

function releaseSubnet(file: string): void {
  if (readFileIfPresent(file).trim() === String(process.pid)) rmSync(file, { force: true });
}

function readFileIfPresent(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** create() is synchronous (the real-pair suite calls it so); waiting there blocks, which only a lab build does. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function ip(args: string[]): string {
  try {
    return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`ip ${args.join(' ')}: ${stderr || (err as Error).message}`);
  }
}

function listNetns(): string[] {
  return ip(['netns', 'list'])
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter((name) => name.startsWith(`${PREFIX}-`));
}

function listLinks(): string[] {
  // "12: dfg2n9c-0h0@if11: <BROADCAST,…": the name is the second field, without any "@peer" suffix.
  return ip(['-o', 'link', 'show'])
    .split('\n')
    .map((line) => line.split(': ')[1]?.split('@')[0] ?? '')
    .filter((name) => name.startsWith(PREFIX));
}

function deleteLinkIfPresent(name: string): void {
  if (listLinks().includes(name)) ip(['link', 'del', name]);
}

function deleteNetnsIfPresent(name: string): void {
  if (listNetns().includes(name)) ip(['netns', 'del', name]);
}

/** Kills, by pid, whatever still runs inside one of our namespaces (a dhcpd whose test process died). */
function killNetnsProcesses(netns: string): void {
  if (!listNetns().includes(netns)) return;
  for (const pid of ip(['netns', 'pids', netns]).split('\n').filter(Boolean).map(Number)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const escalate = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('close', () => {
      clearTimeout(escalate);
      resolve();
    });
    child.kill(signal);
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
