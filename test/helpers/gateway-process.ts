import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, terminate, untilListening } from '../../bench/service-process';
import { ADMIN_TOKEN, type GraphQLResponse } from './site';

const ROOT = path.join(__dirname, '..', '..');

/** `npm run build`'s compile (incremental), once per test file that starts the service as a real process. */
export function buildService(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
}

/**
 * The service as an operator runs it, `node dist/src/index.js`, in a process group of its own, so that
 * kill() takes it and the reload hooks it started down at once, like a machine that dies.
 */
export class GatewayProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(env: Record<string, string>): Promise<GatewayProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', 'index.js')], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN, HOST: '127.0.0.1', PORT: String(port), ...env },
    });
    await untilListening(child);
    return new GatewayProcess(child, `http://127.0.0.1:${port}`);
  }

  async gql<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T> & { extensions?: Record<string, unknown> }> {
    const res = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GraphQLResponse<T>;
  }

  async ok<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await this.gql<T>(query, variables);
    if (res.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
    return res.data as T;
  }

  /** SIGKILL to the service's process group: no shutdown, no cleanup, no rollback of files. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    process.kill(-this.child.pid!, 'SIGKILL');
    await exited;
  }

  /** SIGTERM: the ordinary shutdown. */
  stop(): Promise<void> {
    return terminate(this.child);
  }
}

/**
 * A reload hook (argv for GATEWAY_SERVERS_FILE) that, while `<dir>/hold-<name>` exists, creates
 * `<dir>/reached-<name>` and waits until the hold is removed: a deterministic moment inside an apply.
 * With `<dir>/fill-<name>` present it first fills the filesystem of `<dir>/fill-<name>`'s content path.
 */
export function holdingHook(dir: string, name: string): string[] {
  const script = path.join(dir, `reload-${name}.sh`);
  writeFileSync(
    script,
    [
      '#!/bin/sh',
      `if [ -e "${dir}/fill-${name}" ]; then dd if=/dev/zero of="$(cat "${dir}/fill-${name}")" bs=4096 2>/dev/null; fi`,
      `if [ -e "${dir}/hold-${name}" ]; then touch "${dir}/reached-${name}"; while [ -e "${dir}/hold-${name}" ]; do sleep 0.05; done; fi`,
      `if [ -e "${dir}/fail-${name}" ]; then echo "reload refused" >&2; exit 1; fi`,
      'exit 0',
      '',
    ].join('\n'),
  );
  chmodSync(script, 0o755);
  return [script];
}

/**
 * A dhcpd for DHCPD_BIN that, while `<dir>/hold-dhcpd` exists, creates `<dir>/reached-dhcpd` and waits until the
 * hold is removed: a deterministic moment while a change is checked. One started while `<dir>/fail-dhcpd` exists
 * refuses, whatever it checks; every other run is the real `dhcpd`.
 */
export function holdingDhcpd(dir: string, dhcpd: string): string {
  const script = path.join(dir, 'dhcpd-holding');
  const [hold, reached, fail] = ['hold', 'reached', 'fail'].map((kind) => `${dir}/${kind}-dhcpd`);
  writeFileSync(
    script,
    [
      '#!/bin/sh',
      `[ -e "${fail}" ] && refused=1`,
      `if [ -e "${hold}" ]; then touch "${reached}"; while [ -e "${hold}" ]; do sleep 0.05; done; fi`,
      `if [ -n "$refused" ]; then echo 'refused by the test' >&2; exit 1; fi`,
      `exec "${dhcpd}" "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(script, 0o755);
  return script;
}

/** Resolves once `file` exists (polling; the hook creates it). */
export async function waitForFile(file: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > until) throw new Error(`${file} did not appear within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
