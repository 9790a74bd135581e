import { randomInt, timingSafeEqual } from 'node:crypto';
import { Socket } from 'node:net';
import { HMAC_MD5_ALGORITHM, HmacMd5Signer, type OmapiKey } from './auth';
import { OmapiError, socketError } from './errors';
import {
  type DecodedMessage,
  encodeMessage,
  encodeStartup,
  findValue,
  OmapiDecodeError,
  OmapiOp,
  OmapiStreamDecoder,
  type OmapiValues,
} from './wire';

export interface OmapiConnectOptions {
  host: string;
  port: number;
  key?: OmapiKey | null;
  /** bound on each step: connect + handshake + authenticator, then each request */
  timeoutMs: number;
  /** first transaction id; random by default, as in ISC's client. Fixed only to replay captured exchanges. */
  firstId?: number;
}

/** Result codes dhcpd puts in the `result` value of a status message (isc/result.h, includes/omapip/result.h). */
const ISC_R_SUCCESS = 0;
const ISC_R_NOTFOUND = 23;
const DHCP_R_NOKEYS = 0x60009;
const DHCP_R_KEY_UNKNOWN = 0x6000a;
const DHCP_R_INVALIDKEY = 0x6000b;

interface Waiter<T> {
  resolve(value: T): void;
  reject(err: OmapiError): void;
  timer: NodeJS.Timeout;
}

interface Authenticator {
  authId: number;
  signer: HmacMd5Signer;
  keyName: string;
}

/** One OMAPI session with a dhcpd: handshake, optional HMAC-MD5 authenticator, then request/response by transaction id. */
export class OmapiConnection {
  private readonly decoder = new OmapiStreamDecoder();
  private readonly pending = new Map<number, Waiter<DecodedMessage>>();
  private startupWaiter: Waiter<void> | undefined;
  private startupDone = false;
  private failure: OmapiError | undefined;
  private auth: Authenticator | undefined;
  private nextId: number;

  private constructor(
    private readonly socket: Socket,
    readonly endpoint: string,
    private readonly timeoutMs: number,
    firstId: number,
  ) {
    this.nextId = firstId;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => this.fail(socketError(err, endpoint)));
    socket.on('close', () => this.fail(new OmapiError('connection-closed', `connection closed by ${endpoint}`)));
  }

  /** Connects, exchanges startup messages and, with a key, opens the authenticator that signs every later message. */
  static async connect(opts: OmapiConnectOptions): Promise<OmapiConnection> {
    const endpoint = opts.host.includes(':') ? `[${opts.host}]:${opts.port}` : `${opts.host}:${opts.port}`;
    const auth = opts.key ? { key: opts.key, signer: signerFor(opts.key) } : undefined;
    const conn = new OmapiConnection(new Socket(), endpoint, opts.timeoutMs, opts.firstId ?? randomInt(1, 0x7fffffff));
    try {
      await conn.handshake(opts.host, opts.port);
      if (auth) await conn.openAuthenticator(auth.key, auth.signer);
      return conn;
    } catch (err) {
      conn.close();
      throw err;
    }
  }

  /**
   * Opens (looks up) an object by the given identifying values and returns the values dhcpd sent back for it.
   * A status answer becomes an OmapiError (`not-found`, `auth-failed` or `server-error`).
   */
  async openObject(type: string, object: OmapiValues): Promise<OmapiValues> {
    const response = await this.request(OmapiOp.open, [['type', Buffer.from(type, 'latin1')]], object);
    if (response.op === OmapiOp.update) return response.object;
    if (response.op === OmapiOp.status) throw this.statusError(response);
    throw new OmapiError('protocol', `unexpected OMAPI op ${response.op} in answer to open from ${this.endpoint}`);
  }

  /**
   * Opens the object as openObject does, then sends `update` with the given values for the handle dhcpd
   * gave it (what omshell's `open` then `set …` / `update` does). dhcpd answers a status, result 0 on success.
   */
  async updateObject(type: string, object: OmapiValues, values: OmapiValues): Promise<void> {
    const opened = await this.request(OmapiOp.open, [['type', Buffer.from(type, 'latin1')]], object);
    if (opened.op === OmapiOp.status) throw this.statusError(opened);
    if (opened.op !== OmapiOp.update) throw new OmapiError('protocol', `unexpected OMAPI op ${opened.op} in answer to open from ${this.endpoint}`);
    const response = await this.request(OmapiOp.update, [], values, opened.handle);
    if (response.op !== OmapiOp.status) throw new OmapiError('protocol', `unexpected OMAPI op ${response.op} in answer to update from ${this.endpoint}`);
    if (statusResult(response) !== ISC_R_SUCCESS) throw this.statusError(response);
  }

  close(): void {
    this.fail(new OmapiError('connection-closed', `connection to ${this.endpoint} closed`));
  }

  private handshake(host: string, port: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waitingFor = () => (this.socket.connecting ? 'TCP connection' : 'OMAPI startup message');
      this.startupWaiter = { resolve, reject, timer: this.timer(waitingFor) };
      this.socket.connect({ host, port }, () => {
        this.socket.setNoDelay(true);
        this.socket.write(encodeStartup());
      });
    });
  }

  private async openAuthenticator(key: OmapiKey, signer: HmacMd5Signer): Promise<void> {
    // Sent unsigned: the server only learns which key to check once this object exists on the connection.
    const response = await this.request(
      OmapiOp.open,
      [['type', Buffer.from('authenticator', 'latin1')]],
      [
        ['name', Buffer.from(key.name, 'latin1')],
        ['algorithm', Buffer.from(HMAC_MD5_ALGORITHM, 'latin1')],
      ],
    );
    if (response.op === OmapiOp.update && response.handle !== 0) {
      this.auth = { authId: response.handle, signer, keyName: key.name };
      return;
    }
    if (response.op === OmapiOp.status && statusResult(response) === ISC_R_NOTFOUND) {
      throw new OmapiError('auth-failed', `authentication failed: ${this.endpoint} does not know key "${key.name}"`);
    }
    throw new OmapiError('auth-failed', `authentication failed: ${this.endpoint} refused key "${key.name}" (${describeStatus(response)})`);
  }

  private request(op: number, message: OmapiValues, object: OmapiValues, handle = 0): Promise<DecodedMessage> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId;
    // Transaction ids are u32 and 0 means "not a response" in rid, so skip it when wrapping.
    this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1;
    const bytes = encodeMessage({ authId: this.auth?.authId ?? 0, op, handle, id, rid: 0, message, object }, this.auth?.signer);
    return new Promise<DecodedMessage>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, timer: this.timer(() => 'OMAPI answer') });
      this.socket.write(bytes);
    });
  }

  private timer(waitingFor: () => string): NodeJS.Timeout {
    return setTimeout(
      () => this.fail(new OmapiError('timeout', `${this.endpoint}: no ${waitingFor()} within ${this.timeoutMs} ms`)),
      this.timeoutMs,
    );
  }

  private onData(chunk: Buffer): void {
    try {
      this.decoder.push(chunk);
      if (!this.startupDone) {
        if (!this.decoder.readStartup()) return;
        this.startupDone = true;
        settle(this.startupWaiter, (w) => w.resolve());
        this.startupWaiter = undefined;
      }
      for (let m = this.decoder.readMessage(); m; m = this.decoder.readMessage()) this.onMessage(m);
    } catch (err) {
      if (!(err instanceof OmapiDecodeError)) throw err;
      this.fail(new OmapiError('protocol', `bad OMAPI data from ${this.endpoint}: ${err.message}`));
    }
  }

  private onMessage(m: DecodedMessage): void {
    const waiter = this.pending.get(m.rid);
    if (!waiter) return; // dhcpd sends nothing unsolicited on a client connection; ignore rather than guess
    this.pending.delete(m.rid);
    const problem = this.signatureProblem(m);
    if (problem) settle(waiter, (w) => w.reject(problem));
    else settle(waiter, (w) => w.resolve(m));
  }

  /**
   * Once authenticated, answers carrying data must be signed with our key. dhcpd sends error statuses unsigned
   * (e.g. when it rejected our signature), and those can only make us fail, so they are let through.
   */
  private signatureProblem(m: DecodedMessage): OmapiError | undefined {
    if (!this.auth) return undefined;
    if (m.authId === 0) {
      return m.op === OmapiOp.status ? undefined : new OmapiError('auth-failed', `unsigned OMAPI answer from ${this.endpoint}`);
    }
    const expected = m.authId === this.auth.authId ? this.auth.signer.sign(m.signedBytes) : undefined;
    if (expected?.length === m.signature.length && timingSafeEqual(expected, m.signature)) return undefined;
    return new OmapiError('auth-failed', `OMAPI answer from ${this.endpoint} has a bad signature`);
  }

  private statusError(response: DecodedMessage): OmapiError {
    const result = statusResult(response);
    if (result === ISC_R_NOTFOUND) return new OmapiError('not-found', `${this.endpoint}: ${describeStatus(response)}`);
    if (result === DHCP_R_NOKEYS || result === DHCP_R_KEY_UNKNOWN || result === DHCP_R_INVALIDKEY) {
      return new OmapiError(
        'auth-failed',
        this.auth
          ? `authentication failed: ${this.endpoint} rejected key "${this.auth.keyName}" (wrong secret?)`
          : `authentication failed: ${this.endpoint} requires an OMAPI key`,
      );
    }
    return new OmapiError('server-error', `${this.endpoint}: ${describeStatus(response)}`);
  }

  /** First failure wins: it is what every outstanding and later request reports. */
  private fail(err: OmapiError): void {
    if (this.failure) return;
    this.failure = err;
    this.socket.destroy();
    settle(this.startupWaiter, (w) => w.reject(err));
    this.startupWaiter = undefined;
    for (const waiter of this.pending.values()) settle(waiter, (w) => w.reject(err));
    this.pending.clear();
  }
}

function settle<T>(waiter: Waiter<T> | undefined, action: (w: Waiter<T>) => void): void {
  if (!waiter) return;
  clearTimeout(waiter.timer);
  action(waiter);
}

function signerFor(key: OmapiKey): HmacMd5Signer {
  if (key.algorithm !== 'hmac-md5') throw new OmapiError('auth-failed', `unsupported OMAPI key algorithm "${String(key.algorithm)}"`);
  try {
    return new HmacMd5Signer(key.secret);
  } catch (err) {
    throw new OmapiError('auth-failed', `key "${key.name}": ${(err as Error).message}`);
  }
}

function statusResult(m: DecodedMessage): number | undefined {
  const v = findValue(m.message, 'result');
  return v?.length === 4 ? v.readUInt32BE(0) : undefined;
}

function describeStatus(m: DecodedMessage): string {
  const text = findValue(m.message, 'message')?.toString('latin1');
  const result = statusResult(m);
  const code = result === undefined ? 'no result code' : `result ${result}`;
  return text ? `${text} (${code})` : code;
}
