/**
 * A throw-away OpenSSH server for the SSH-transport tests and `npm run demo:pair -- --ssh`: the Debian
 * /usr/sbin/sshd started in the foreground (`-D -e -f <config>`) with its own config, a host key made by
 * ssh-keygen in a temporary folder and one authorized client key; never the system service. Optionally inside
 * a network namespace of demo/netns-lab.ts. Imports nothing from test/.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SSHD = '/usr/sbin/sshd';
/** sshd refuses to start without its privilege-separation folder (compiled in); the system service creates it too. */
const PRIVSEP_DIR = '/run/sshd';

export function canRunSshd(): boolean {
  return process.platform === 'linux' && process.getuid?.() === 0 && existsSync(SSHD) && existsSync('/usr/bin/ssh-keygen');
}

export interface SshdOptions {
  /** address to listen on */
  listen: string;
  port: number;
  /** network namespace to run in (its name as `ip netns` knows it), or the current one */
  netns?: string;
}

export class Sshd {
  /** `SHA256:…` of the host key, as ssh-keygen -l prints it */
  readonly hostKey: string;
  /** the private key sshd accepts (for root) */
  readonly clientKeyFile: string;
  private child: ChildProcess | null = null;
  private log = '';

  private constructor(
    readonly dir: string,
    readonly options: SshdOptions,
  ) {
    const keygen = (file: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'dfg-lab', '-f', file]);
    keygen(path.join(dir, 'host_ed25519'));
    keygen(path.join(dir, 'client_ed25519'));
    this.clientKeyFile = path.join(dir, 'client_ed25519');
    writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(`${this.clientKeyFile}.pub`), { mode: 0o600 });
    this.hostKey = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(dir, 'host_ed25519.pub')], { encoding: 'utf8' }).split(' ')[1];
    writeFileSync(
      path.join(dir, 'sshd_config'),
      [
        `Port ${options.port}`,
        `ListenAddress ${options.listen}`,
        `HostKey ${path.join(dir, 'host_ed25519')}`,
        `PidFile ${path.join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
        'PermitRootLogin prohibit-password',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        // the temporary folder is world-traversable /tmp; the lab's own files are private
        'StrictModes no',
        // A session runs every command through the user's shell, and bash then reads ~/.bashrc: root's on
        // this machine is a developer's (pyenv, 0.2 s per command), no part of a DHCP server's account.
        `SetEnv HOME=${dir}`,
        'Subsystem sftp internal-sftp',
        '',
      ].join('\n'),
    );
  }

  /** Makes the keys and config in a temporary folder and starts sshd; resolves once it accepts connections. */
  static async start(options: SshdOptions): Promise<Sshd> {
    mkdirSync(PRIVSEP_DIR, { recursive: true, mode: 0o755 });
    // `dfg-<pid36>-`, as netns-lab.ts names what it owns: its cleanupLeftovers() removes the folder only once this
    // process is gone (a bare `dfg-sshd-` read as owner "sshd", and another lab's start deleted a live sshd's keys)
    const sshd = new Sshd(mkdtempSync(path.join(tmpdir(), `dfg-${process.pid.toString(36)}-sshd-`)), options);
    try {
      await sshd.resume();
    } catch (e) {
      await sshd.destroy();
      throw e;
    }
    return sshd;
  }

  /** (Re)starts sshd with the same keys and config. */
  async resume(): Promise<void> {
    if (this.child) return;
    const argv = [SSHD, '-D', '-e', '-f', path.join(this.dir, 'sshd_config')];
    const [cmd, ...args] = this.options.netns ? ['ip', 'netns', 'exec', this.options.netns, ...argv] : argv;
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    child.stderr?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    child.on('exit', () => {
      if (this.child === child) this.child = null;
    });
    const until = Date.now() + 10_000;
    while (!(await this.listening())) {
      if (!this.child) throw new Error(`sshd exited: ${this.log}`);
      if (Date.now() > until) throw new Error(`sshd did not listen within 10 s: ${this.log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * Stops sshd and every connection it serves (each runs in a child process of its own session, which
   * killing the listener alone would leave running), so clients see the machine's SSH go away.
   */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    const master = Number(readFileSync(path.join(this.dir, 'sshd.pid'), 'utf8').trim());
    for (const pid of descendants(master)) killQuietly(pid);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    killQuietly(master);
    child.kill('SIGTERM');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private listening(): Promise<boolean> {
    if (this.options.netns) {
      try {
        return Promise.resolve(execFileSync('ip', ['netns', 'exec', this.options.netns, 'ss', '-Hltn', `sport = :${this.options.port}`], { encoding: 'utf8' }).trim() !== '');
      } catch {
        return Promise.resolve(false);
      }
    }
    return new Promise((resolve) => {
      const socket = connect({ host: this.options.listen, port: this.options.port });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
  }
}

/** Every process below `pid`, children first found through /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // it ended meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of parents.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
