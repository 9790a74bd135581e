/**
 * The client against captured dhcpd exchanges replayed by a loopback server: the client must send exactly the
 * captured request bytes (same first transaction id), and make the right thing of dhcpd's captured answers.
 */
import { createServer, type Server, type Socket } from 'node:net';
import {
  failoverStateName,
  OmapiConnection,
  OmapiError,
  PARTNER_DOWN,
  readFailoverState,
  type OmapiKey,
  type ReadFailoverStateOptions,
  updateFailoverLocalState,
} from '../../../src/omapi';
import { type Frame, readExchange, TEST_KEY } from '../../fixtures/omapi/exchange';

interface Replay {
  port: number;
  /** resolves once every captured client byte has been received, in order; rejects on the first difference */
  done: Promise<void>;
  close(): Promise<void>;
}

/** Serves one connection: waits for each captured C>S run byte for byte, then sends the S>C runs that follow it. */
async function replay(frames: readonly Frame[]): Promise<Replay> {
  let finish!: () => void;
  let fail!: (err: Error) => void;
  const done = new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject)));
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    let next = 0;
    let received = Buffer.alloc(0);
    const advance = () => {
      while (next < frames.length) {
        const frame = frames[next];
        if (frame.direction === 'S>C') {
          socket.write(frame.bytes);
        } else if (received.length >= frame.bytes.length) {
          const got = received.subarray(0, frame.bytes.length);
          if (!got.equals(frame.bytes)) return fail(new Error(`run ${next}: client sent ${got.toString('hex')}, captured ${frame.bytes.toString('hex')}`));
          received = received.subarray(frame.bytes.length);
        } else {
          return;
        }
        next++;
      }
      finish();
    };
    socket.on('data', (d: Buffer) => {
      received = Buffer.concat([received, d]);
      advance();
    });
    socket.on('error', () => undefined);
    advance();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    done,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function readVia(fixture: string | Frame[], opts: Omit<ReadFailoverStateOptions, 'host' | 'port' | 'timeoutMs'>) {
  const r = await replay(typeof fixture === 'string' ? readExchange(fixture) : fixture);
  try {
    const result = await readFailoverState({ host: '127.0.0.1', port: r.port, timeoutMs: 2000, ...opts }).catch((err: unknown) => err);
    await r.done;
    return result;
  } finally {
    await r.close();
  }
}

describe('readFailoverState against captured dhcpd answers', () => {
  it('reads local and partner state without a key', async () => {
    await expect(readVia('open-failover-state.hex', { peerName: 'pair', firstId: 0x1000 })).resolves.toEqual({
      localState: 'normal',
      partnerState: 'normal',
    });
  });

  it('authenticates with HMAC-MD5 and checks the signed answer', async () => {
    await expect(readVia('open-failover-state-signed.hex', { peerName: 'pair', key: TEST_KEY, firstId: 0x2000 })).resolves.toEqual({
      localState: 'normal',
      partnerState: 'normal',
    });
  });

  it('reports a missing failover peer as not-found', async () => {
    const err = await readVia('not-found.hex', { peerName: 'no-such-peer', firstId: 0x3000 });
    expect(err).toBeInstanceOf(OmapiError);
    expect(err).toMatchObject({ code: 'not-found', message: expect.stringMatching(/^failover peer "no-such-peer" not found on 127\.0\.0\.1:\d+$/) });
  });

  it('reports a wrong secret as auth-failed', async () => {
    const err = await readVia('wrong-secret.hex', { peerName: 'pair', key: { ...TEST_KEY, secret: 'AAAAAAAAAAAAAAAAAAAAAA==' }, firstId: 0x4000 });
    expect(err).toMatchObject({ code: 'auth-failed', message: expect.stringMatching(/rejected key "omapi_key" \(wrong secret\?\)$/) });
  });

  it('reports a server that requires a key as auth-failed', async () => {
    const err = await readVia('key-required.hex', { peerName: 'pair', firstId: 0x5000 });
    expect(err).toMatchObject({ code: 'auth-failed', message: expect.stringMatching(/requires an OMAPI key$/) });
  });

  it('rejects a signed answer whose signature does not verify', async () => {
    const frames = readExchange('open-failover-state-signed.hex');
    const answer = Buffer.from(frames[frames.length - 1].bytes);
    answer[answer.length - 1] ^= 0xff; // last byte of the HMAC
    frames[frames.length - 1] = { direction: 'S>C', bytes: answer };
    const err = await readVia(frames, { peerName: 'pair', key: TEST_KEY, firstId: 0x2000 });
    expect(err).toMatchObject({ code: 'auth-failed', message: expect.stringMatching(/has a bad signature$/) });
  });
});

/** Sets partner-down through a replay of a captured exchange; resolves with the error, if any. */
async function setPartnerDownVia(frames: Frame[], opts: { key?: OmapiKey; firstId: number }): Promise<unknown> {
  const r = await replay(frames);
  try {
    const conn = await OmapiConnection.connect({ host: '127.0.0.1', port: r.port, timeoutMs: 2000, ...opts });
    const result = await updateFailoverLocalState(conn, 'pair', PARTNER_DOWN).catch((err: unknown) => err);
    conn.close();
    await r.done;
    return result;
  } finally {
    await r.close();
  }
}

describe('updateFailoverLocalState (partner-down) against captured exchanges', () => {
  it("sends exactly omshell's open and update bytes (set local-state = 4) and takes dhcpd's status 0", async () => {
    // omshell's first transaction id is glibc random()'s first value; with it our bytes must be omshell's.
    await expect(setPartnerDownVia(readExchange('omshell-update-partner-down.hex'), { firstId: 0x6b8b4567 })).resolves.toBeUndefined();
  });

  it('signs the update with the key and checks the signed status', async () => {
    await expect(setPartnerDownVia(readExchange('update-partner-down-signed.hex'), { key: TEST_KEY, firstId: 0x6000 })).resolves.toBeUndefined();
  });

  it('reports a status other than success as an error', async () => {
    const frames = readExchange('omshell-update-partner-down.hex');
    const status = Buffer.from(frames[frames.length - 1].bytes);
    // the result value (u32) ends 4 bytes before the two empty value lists
    status.writeUInt32BE(23, status.length - 8);
    frames[frames.length - 1] = { direction: 'S>C', bytes: status };
    const err = await setPartnerDownVia(frames, { firstId: 0x6b8b4567 });
    expect(err).toMatchObject({ code: 'not-found', message: expect.stringMatching(/^failover peer "pair" not found on 127\.0\.0\.1:\d+$/) });
  });
});

describe('failure modes without a server', () => {
  it('times out when nothing answers the startup message', async () => {
    const server = createServer((socket) => socket.resume()); // reads (and drops) the client's bytes, answers nothing
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const started = Date.now();
    const err = await readFailoverState({ host: '127.0.0.1', port, peerName: 'pair', timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'timeout', message: `127.0.0.1:${port}: no OMAPI startup message within 300 ms` });
    expect(Date.now() - started).toBeLessThan(2000);
    await new Promise((resolve) => server.close(resolve));
  });

  it('reports a closed port as connection-refused', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise((resolve) => server.close(resolve));
    const err = await readFailoverState({ host: '127.0.0.1', port, peerName: 'pair', timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'connection-refused', message: `connection refused by 127.0.0.1:${port}` });
  });

  it('refuses a non-base64 secret before connecting', async () => {
    const err = await readFailoverState({ host: '127.0.0.1', port: 9, key: { ...TEST_KEY, secret: '%%%' }, peerName: 'pair', timeoutMs: 100 }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'auth-failed', message: 'key "omapi_key": OMAPI key secret is not valid base64' });
  });
});

describe('failoverStateName', () => {
  it("uses dhcpd's names for its failover_state enum", () => {
    const names = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 254].map(failoverStateName);
    expect(names).toEqual([
      'unknown-state',
      'startup',
      'normal',
      'communications-interrupted',
      'partner-down',
      'potential-conflict',
      'recover',
      'paused',
      'shutdown',
      'recover-done',
      'resolution-interrupted',
      'conflict-done',
      'recover-wait',
    ]);
    expect(failoverStateName(12)).toBe('unknown-state');
  });
});
