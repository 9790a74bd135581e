/**
 * A loopback stand-in for dhcpd's OMAPI listener, built on the project's own codec (whose bytes the unit tests
 * check against a real dhcpd). It answers `open failover-state` like dhcpd does — an update with the object's
 * values, or a status with ISC_R_NOTFOUND — and counts connections and opens so tests can see how many polls
 * the reader really makes.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { encodeMessage, encodeStartup, findValue, OmapiOp, OmapiStreamDecoder } from '../../../src/omapi';

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
};

export class FakeDhcpd {
  connections = 0;
  opens = 0;
  /** peer name → [local-state, partner-state] as dhcpd's enum numbers */
  readonly peers = new Map<string, [number, number]>();
  /** when set, the server accepts connections but never says anything */
  silent = false;
  private readonly sockets = new Set<Socket>();
  private nextHandle = 1;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** `host`: a loopback address; two servers of one gateway need two (127.0.0.1, 127.0.0.2) */
  static async start(host = '127.0.0.1'): Promise<FakeDhcpd> {
    let fake: FakeDhcpd | undefined;
    const server = createServer((socket) => fake?.serve(socket));
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    fake = new FakeDhcpd(server, (server.address() as { port: number }).port);
    return fake;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    this.connections++;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    if (this.silent) {
      socket.resume();
      return;
    }
    const decoder = new OmapiStreamDecoder();
    let started = false;
    socket.write(encodeStartup());
    socket.on('data', (chunk: Buffer) => {
      decoder.push(chunk);
      if (!started) started = decoder.readStartup() !== undefined;
      if (!started) return;
      for (let m = decoder.readMessage(); m; m = decoder.readMessage()) {
        this.opens++;
        const name = findValue(m.object, 'name')?.toString('latin1') ?? '';
        const states = this.peers.get(name);
        const answer = states
          ? { op: OmapiOp.update, handle: this.nextHandle++, message: [], object: [['name', Buffer.from(name)] as const, ['local-state', u32(states[0])] as const, ['partner-state', u32(states[1])] as const] }
          : { op: OmapiOp.status, handle: 0, message: [['result', u32(23)] as const, ['message', Buffer.from('no object matches specification')] as const], object: [] };
        socket.write(encodeMessage({ authId: 0, id: 0x7000 + this.opens, rid: m.id, ...answer }));
      }
    });
  }
}
