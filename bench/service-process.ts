/**
 * The service as `npm start` runs it, in a process of its own: the node flags are read from package.json's start
 * script, so the bench measures what a deployment runs, and the peak RSS it reports is the service's alone (not
 * the bench's generators and parsed answers).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** The words between `node` and the script in `npm start`, e.g. heap flags. */
export function startFlags(): string[] {
  const start: string = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start;
  const words = start.trim().split(/\s+/);
  if (words[0] !== 'node' || words.at(-1) !== 'dist/src/index.js') throw new Error(`npm start is no longer "node [flags] dist/src/index.js": ${start}`);
  return words.slice(1, -1);
}

/** A TCP port on loopback with nothing listening (for a service to take, or to be refused on). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export class ServiceProcess {
  private constructor(
    private readonly child: ChildProcess,
    /** http://127.0.0.1:<port> */
    readonly origin: string,
  ) {}

  /** `env` on top of NODE_ENV=production, HOST and PORT; `extraFlags` after npm start's own (e.g. --cpu-prof). */
  static async start(env: Record<string, string | undefined>, extraFlags: string[] = []): Promise<ServiceProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [...startFlags(), ...extraFlags, path.join(ROOT, 'dist', 'src', 'index.js')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), ...env },
    });
    await untilListening(child);
    return new ServiceProcess(child, `http://127.0.0.1:${port}`);
  }

  /** The process's peak resident set so far (VmHWM), in MB. */
  peakRssMB(): number {
    const line = readFileSync(`/proc/${this.child.pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB$/m);
    if (!line) throw new Error('no VmHWM in /proc/<pid>/status');
    return Number(line[1]) / 1024;
  }

  /** SIGTERM, the ordinary shutdown. */
  stop(): Promise<void> {
    return terminate(this.child);
  }
}

/** Resolves once the service says it listens, its output (both streams) collected meanwhile; rejects, with that output, if it exits first. */
export function untilListening(child: ChildProcess): Promise<void> {
  let output = '';
  return new Promise((resolve, reject) => {
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening on')) resolve();
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code, signal) => reject(new Error(`the service exited (${code ?? signal}) before listening:\n${output}`)));
  });
}

/** SIGTERM, and the exit waited for (nothing to do for a process that already ended). */
export async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
