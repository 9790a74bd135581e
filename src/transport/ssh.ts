import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, type SFTPWrapper } from 'ssh2';
import { stageTree } from '../config-sync/apply/config-tree';
import { readTreeOutput } from '../config-sync/apply/dhcpd-output';
import type { ValidationResult } from '../config-sync';
import type { ServerHooks, SshSettings } from '../config';
import { errnoOf, TransportError, type FileStat, type ServerFiles, type StagedFile } from './server-files';
import { shellCommand } from './shell-quote';

const CONNECT_TIMEOUT_MS = 5_000;
const COMMAND_TIMEOUT_MS = 30_000;
/** an idle link is found dead after 3 unanswered keep-alives, 10 s apart */
const KEEPALIVE_MS = 10_000;
const WRITE_CHUNK = 32 * 1024;
const WRITES_IN_FLIGHT = 16;
/** SFTP status codes (draft-ietf-secsh-filexfer-02) as the errno names the rest of the gateway knows */
const SFTP_STATUS: Record<number, string> = { 2: 'ENOENT', 3: 'EACCES', 4: 'SFTP_FAILURE', 5: 'EINVAL', 8: 'ENOTSUP' };
/** NO_CONNECTION and CONNECTION_LOST: the link, not the operation, failed */
const SFTP_LINK_LOST = new Set([6, 7]);

/** Where and as whom one SSH server is reached. */
export interface SshTarget extends SshSettings {
  host: string;
}

/** The host key's fingerprint as `ssh-keygen -l` prints it: SHA-256 of the key blob, base64 without padding. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named at the start of an SSH public key blob (e.g. `ssh-ed25519`). */
export function keyType(keyBlob: Buffer): string {
  return keyBlob.length >= 4 ? keyBlob.subarray(4, 4 + keyBlob.readUInt32BE(0)).toString('latin1') : 'unknown';
}

interface ExecResult {
  code: number | null;
  /** stdout and stderr, in the order they arrived */
  output: string;
  stderr: string;
}

/** One authenticated connection with its SFTP channel; every operation is bounded by COMMAND_TIMEOUT_MS. */
class Session {
  constructor(
    readonly client: Client,
    readonly sftp: SFTPWrapper,
    private readonly where: string,
  ) {}

  /** An SFTP request; a request left unanswered ends the connection (the next use reconnects). */
  call<T>(run: (done: (err: Error | undefined | null, value?: T) => void) => void): Promise<T> {
    return this.bounded((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value as T))));
  }

  /** Runs argv through the remote shell, built by the one quoting function; `started` once the server runs it. */
  exec(argv: readonly string[], options: { cwd?: string; timeoutMs?: number; started?: () => void } = {}): Promise<ExecResult> {
    const command = shellCommand(argv, { cwd: options.cwd });
    return this.bounded((resolve, reject) => {
      this.client.exec(command, (err, channel) => {
        if (err) return reject(unreachable(`${this.where}: cannot run a command (${err.message})`, 'exec'));
        options.started?.();
        const output: Buffer[] = [];
        const stderr: Buffer[] = [];
        channel.on('data', (chunk: Buffer) => output.push(chunk));
        channel.stderr.on('data', (chunk: Buffer) => {
          output.push(chunk);
          stderr.push(chunk);
        });
        channel.on('close', (code: number | null) => resolve({ code: code ?? null, output: Buffer.concat(output).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }));
      });
    }, options.timeoutMs);
  }

  end(): void {
    this.client.end();
  }

  private bounded<T>(run: (resolve: (v: T) => void, reject: (e: unknown) => void) => void, timeoutMs = COMMAND_TIMEOUT_MS): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.end();
        reject(unreachable(`${this.where} did not answer within ${timeoutMs / 1000} s`, 'timeout'));
      }, timeoutMs);
      run(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  }
}

/** One connection per server, opened on first use, reused, and reopened after it closed. */
export class SshConnections {
  private readonly sessions = new Map<string, Promise<Session>>();

  session(target: SshTarget): Promise<Session> {
    // Everything that decides whom we talk to and as whom: a changed pin or key is a new connection.
    const key = JSON.stringify([target.user, target.host, target.port, target.privateKeyFile, target.hostKey]);
    let session = this.sessions.get(key);
    if (!session) {
      const forget = () => {
        if (this.sessions.get(key) === session) this.sessions.delete(key);
      };
      session = connect(target, forget);
      session.catch(forget);
      this.sessions.set(key, session);
    }
    return session;
  }

  /** Ends every connection (at shutdown). */
  async close(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((s) => s.then((x) => x.end(), () => undefined)));
  }
}

function connect(target: SshTarget, onGone: () => void): Promise<Session> {
  const where = `${target.host}:${target.port}`;
  if (!target.hostKey) {
    return Promise.reject(unreachable(`no host key is pinned for ${where}, and none is trusted on first use: set ssh.hostKey in GATEWAY_SERVERS_FILE (npm run ssh-fingerprint -- ${target.host} ${target.port} prints it)`, 'host key not pinned'));
  }
  const pin = target.hostKey.replace(/=+$/, '');
  let privateKey: Buffer;
  try {
    privateKey = readFileSync(target.privateKeyFile);
  } catch (e) {
    return Promise.reject(unreachable(`the private key file (ssh.privateKeyFile) cannot be read (${errnoOf(e) ?? 'error'})`, 'private key'));
  }
  return new Promise((resolve, reject) => {
    const client = new Client();
    let presented: string | null = null;
    let settled = false;
    const fail = (reason: string, cause: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.end();
      reject(unreachable(reason, cause));
    };
    // ssh2's readyTimeout covers the handshake; this one covers everything up to a usable SFTP channel.
    const timer = setTimeout(() => fail(`no SSH connection to ${where} within ${CONNECT_TIMEOUT_MS / 1000} s`, 'timeout'), CONNECT_TIMEOUT_MS);
    // Stays for the connection's life: an 'error' event without a listener would end the process.
    client.on('error', (e: Error & { level?: string; code?: string }) => {
      if (presented !== null && presented !== pin) {
        fail(`the host key of ${where} is ${presented}, not the pinned ${target.hostKey}: refused (a different machine, or its key was changed)`, 'host key mismatch');
      } else {
        fail(describeConnectError(e, target, where), e.code ?? e.level ?? 'error');
      }
      onGone();
    });
    client.on('close', () => {
      fail(`${where} closed the connection during the SSH handshake`, 'closed');
      onGone();
    });
    client.on('ready', () => {
      client.sftp((err, sftp) => {
        if (err) return fail(`SFTP is not available on ${where} (${err.message})`, 'sftp');
        settled = true;
        clearTimeout(timer);
        resolve(new Session(client, sftp, where));
      });
    });
    try {
      client.connect({
        host: target.host,
        port: target.port,
        username: target.user,
        privateKey,
        readyTimeout: CONNECT_TIMEOUT_MS,
        keepaliveInterval: KEEPALIVE_MS,
        keepaliveCountMax: 3,
        // ssh2 accepts every host key unless told otherwise: only the pinned one is.
        hostVerifier: (key: Buffer) => {
          presented = fingerprint(key);
          return presented === pin;
        },
      });
    } catch {
      // ssh2 throws here for a key it cannot parse; its message is not repeated, the key's bytes stay out of every message.
      fail('the private key in ssh.privateKeyFile cannot be used (an unencrypted OpenSSH or PEM key is needed)', 'private key');
    }
  });
}

function describeConnectError(e: Error & { level?: string; code?: string }, target: SshTarget, where: string): string {
  if (e.level === 'client-authentication') return `authentication as "${target.user}" on ${where} failed (the server does not accept the key in ssh.privateKeyFile)`;
  if (e.level === 'client-timeout') return `no SSH handshake with ${where} within ${CONNECT_TIMEOUT_MS / 1000} s`;
  switch (e.code) {
    case 'ECONNREFUSED':
      return `connection to ${where} refused (is sshd running?)`;
    case 'ETIMEDOUT':
      return `connection to ${where} timed out`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where} is unreachable (${e.code})`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name ${target.host} cannot be resolved`;
    case 'ECONNRESET':
      return `${where} reset the connection`;
  }
  return `SSH to ${where} failed: ${e.message}`;
}

function unreachable(message: string, cause: string): TransportError {
  return new TransportError(message, cause, 'unreachable');
}

/** An SFTP failure as a TransportError: a status code names what failed, anything else is the link. */
function sftpFailure(what: string, e: unknown): TransportError {
  if (e instanceof TransportError) return e;
  const status = (e as { code?: unknown })?.code;
  if (typeof status === 'number' && !SFTP_LINK_LOST.has(status)) {
    const code = SFTP_STATUS[status] ?? `SFTP_STATUS_${status}`;
    return new TransportError(`${what} (${code})`, code);
  }
  return unreachable(`${what}: the SSH connection failed (${(e as Error)?.message ?? String(e)})`, 'connection lost');
}

function isMissing(e: unknown): boolean {
  return (e as { code?: unknown })?.code === 2;
}

/**
 * A server whose files are on its own machine, reached over SSH: SFTP for every file operation, exec (through
 * the remote shell, see shell-quote.ts) for `dhcpd -t` and the reload command.
 */
export class SshFiles implements ServerFiles {
  constructor(
    private readonly connections: SshConnections,
    /** null: the server has no ssh settings (any more); every operation then fails as unreachable */
    private readonly target: SshTarget | null,
    private readonly hooks: ServerHooks,
  ) {}

  get root(): string {
    return this.hooks.remoteRoot;
  }

  private async session(): Promise<Session> {
    if (!this.target) throw unreachable('the server has no "ssh" settings in GATEWAY_SERVERS_FILE', 'no ssh settings');
    return this.connections.session(this.target);
  }

  async read(file: string): Promise<Buffer | null> {
    const s = await this.session();
    try {
      return await s.call<Buffer>((done) => s.sftp.readFile(file, done));
    } catch (e) {
      if (isMissing(e)) return null;
      throw sftpFailure(`cannot read ${path.posix.basename(file)}`, e);
    }
  }

  async stat(file: string): Promise<FileStat | null> {
    const s = await this.session();
    try {
      const st = await s.call<{ size: number; mtime: number }>((done) => s.sftp.stat(file, done));
      return { size: st.size, mtimeMs: st.mtime * 1000 };
    } catch (e) {
      if (isMissing(e)) return null;
      throw sftpFailure(`cannot read ${path.posix.basename(file)}`, e);
    }
  }

  async *stream(file: string): AsyncIterable<Buffer> {
    const s = await this.session();
    try {
      for await (const chunk of s.sftp.createReadStream(file)) yield chunk as Buffer;
    } catch (e) {
      throw sftpFailure(`cannot read ${path.posix.basename(file)}`, e);
    }
  }

  /**
   * `dhcpd -t` where dhcpd runs: the candidate tree goes to a private folder (`mktemp -d`, mode 0700) on the
   * server, its includes pointing at the staged copies, is checked by the server's own dhcpd in the main
   * file's folder, and the folder is removed afterwards, whatever happened.
   */
  async validate(main: string, texts: ReadonlyMap<string, string>, started?: () => void): Promise<ValidationResult> {
    const s = await this.session();
    // A name of our own, so an operator (and a test) can tell the gateway's folders from others'.
    const made = await s.exec(['mktemp', '-d', '-t', 'dfg-check.XXXXXXXXXX']);
    const dir = made.output.trim();
    if (made.code !== 0 || !path.posix.isAbsolute(dir) || dir.includes('\n')) {
      throw new TransportError(`mktemp -d failed on the server: ${made.stderr.trim().slice(0, 300) || `exit ${made.code}`}`, 'mktemp');
    }
    const staged = stageTree(dir, main, texts);
    try {
      for (const f of staged) {
        await writeNew(s, f.path, Buffer.from(f.text, 'utf8'), 0o600).catch((e: unknown) => {
          throw sftpFailure('the candidate for dhcpd -t could not be written on the server', e);
        });
      }
      const run = await s.exec([this.hooks.dhcpd, '-t', '-4', '-cf', staged[0].path], { cwd: path.posix.dirname(main), started });
      if (run.code === 127 || run.code === 126) throw new TransportError(`dhcpd ("${this.hooks.dhcpd}", servers.<name>.dhcpd) cannot be run on the server`, 'ENOENT');
      return { ok: run.code === 0, ...readTreeOutput(run.output, staged.map((f, i) => ({ temp: f.path, real: i === 0 ? null : f.real, text: texts.get(f.real)! }))) };
    } finally {
      // Best effort on a broken link: the folder is private and in the server's temporary directory.
      for (const f of staged) await s.call((done) => s.sftp.unlink(f.path, done)).catch(() => undefined);
      await s.call((done) => s.sftp.rmdir(dir, done)).catch(() => undefined);
    }
  }

  /**
   * Atomic replace on the server: a temp file in the same folder, written, given the old file's mode (and owner
   * where allowed), flushed with fsync@openssh.com, then renamed over the file with posix-rename@openssh.com.
   * A symlinked file is followed, so the file it points to is replaced and the link stays.
   */
  async replace(file: string, content: Buffer | null): Promise<void> {
    if (content !== null) return (await this.stage(file, content)).swap();
    const s = await this.session();
    const target = await this.resolved(s, file);
    await s.call((done) => s.sftp.unlink(target, done)).catch((e: unknown) => {
      if (!isMissing(e)) throw sftpFailure('the file could not be removed', e);
    });
  }

  /** replace() up to the rename: the flushed temp file, which swap() renames over the file. */
  async stage(file: string, content: Buffer): Promise<StagedFile> {
    const s = await this.session();
    const target = await this.resolved(s, file);
    const previous = await s.call<{ mode: number; uid: number; gid: number }>((done) => s.sftp.stat(target, done)).catch((e: unknown) => {
      if (isMissing(e)) return null;
      throw sftpFailure('the file could not be written', e);
    });
    const dir = path.posix.dirname(target);
    const temp = path.posix.join(dir, `.${path.posix.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    const discard = () => s.call((done) => s.sftp.unlink(temp, done)).then(() => undefined, () => undefined);
    const failed = async (e: unknown) => {
      await discard();
      throw await this.writeFailure(s, dir, content.length, e);
    };
    await writeNew(s, temp, content, (previous?.mode ?? 0o644) & 0o7777, previous).catch(failed);
    return { swap: () => s.call((done) => s.sftp.ext_openssh_rename(temp, target, done)).then(() => undefined, failed), discard };
  }

  /** The file a path names, symlinks followed (the path itself when it does not exist yet). */
  private resolved(s: Session, file: string): Promise<string> {
    return s.call<string>((done) => s.sftp.realpath(file, done)).catch((e: unknown) => {
      if (isMissing(e)) return file;
      throw sftpFailure('the file could not be written', e);
    });
  }

  /** sftp-server reports a full disk as a bare FAILURE; the folder's free space tells ENOSPC apart. */
  private async writeFailure(s: Session, dir: string, needed: number, e: unknown): Promise<TransportError> {
    const failure = sftpFailure('the file could not be written', e);
    if (failure.cause !== 'SFTP_FAILURE') return failure;
    const fs = await s.call<{ f_bavail: number | bigint; f_frsize: number | bigint }>((done) => s.sftp.ext_openssh_statvfs(dir, done)).catch(() => null);
    if (fs && Number(fs.f_bavail) * Number(fs.f_frsize) < needed + WRITE_CHUNK) return new TransportError('the file could not be written: no space left on the server (ENOSPC)', 'ENOSPC');
    return failure;
  }

  /** The reload command (argv) run on the server through its shell, bounded by reloadTimeoutSeconds. */
  async reload(): Promise<void> {
    const { reload: argv, reloadTimeoutSeconds } = this.hooks;
    if (!argv) return;
    const s = await this.session();
    const run = await s.exec(argv, { timeoutMs: reloadTimeoutSeconds * 1000 });
    if (run.code !== 0) {
      const said = run.stderr.trim().slice(0, 500);
      throw new TransportError(`reload command exited with ${run.code ?? 'a signal'} on the server${said ? `: ${said}` : ''}`, `exit ${run.code ?? 'signal'}`);
    }
  }
}

/** Writes a file that must not exist yet, with `mode`, flushed to disk before it is closed. */
async function writeNew(s: Session, file: string, data: Buffer, mode: number, owner?: { uid: number; gid: number } | null): Promise<void> {
  const handle = await s.call<Buffer>((done) => s.sftp.open(file, 'wx', { mode }, done));
  try {
    // Several writes in flight: one at a time, each waits a round trip, and a 2 MB file took 1.8 s on loopback.
    let next = 0;
    const writer = async () => {
      for (let at = next; at < data.length; at = next) {
        next += WRITE_CHUNK;
        const length = Math.min(WRITE_CHUNK, data.length - at);
        await s.call((done) => s.sftp.write(handle, data, at, length, at, done));
      }
    };
    await Promise.all(Array.from({ length: WRITES_IN_FLIGHT }, writer));
    // open's mode is masked by the server's umask; the old file's mode is set explicitly.
    await s.call((done) => s.sftp.fchmod(handle, mode, done));
    if (owner) await s.call((done) => s.sftp.fchown(handle, owner.uid, owner.gid, done)).catch(() => undefined);
    await s.call((done) => s.sftp.ext_openssh_fsync(handle, done));
  } finally {
    await s.call((done) => s.sftp.close(handle, done)).catch(() => undefined);
  }
}
