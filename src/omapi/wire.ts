/**
 * OMAPI wire format (ISC dhcp omapip/protocol.c), all integers big-endian:
 *
 *   startup:  version u32 (100) | header size u32 (24)            — sent once by each side
 *   message:  authid u32 | authlen u32 | op u32 | handle u32 | id u32 | rid u32
 *             | message values | object values | signature (authlen bytes)
 *   values:   (name length u16 | name | value length u32 | value)* | 0x0000
 *
 * The signature covers everything after authid up to the signature itself.
 */

const OMAPI_PROTOCOL_VERSION = 100;
export const OMAPI_HEADER_SIZE = 24;
const STARTUP_SIZE = 8;

/** OMAPI_OP_* of omapip/omapip.h */
export const OmapiOp = { open: 1, refresh: 2, update: 3, notify: 4, status: 5, delete: 6 } as const;

/** Name/value pairs in wire order; a list rather than a map because order is part of the bytes that get signed. */
export type OmapiValues = ReadonlyArray<readonly [name: string, value: Buffer]>;

export interface OmapiMessage {
  authId: number;
  op: number;
  handle: number;
  id: number;
  rid: number;
  message: OmapiValues;
  object: OmapiValues;
  /** empty when unsigned */
  signature: Buffer;
}

export interface DecodedMessage extends OmapiMessage {
  /** the bytes the signature covers, to verify it */
  signedBytes: Buffer;
}

export interface Startup {
  version: number;
  headerSize: number;
}

/** Produces a signature of fixed length over the signed portion of a message. */
export interface Signer {
  readonly signatureLength: number;
  sign(data: Buffer): Buffer;
}

/** A peer's unknown values could be anything; refuse to buffer more than this for one message. */
const MAX_MESSAGE_SIZE = 1 << 20;

export class OmapiDecodeError extends Error {}

export function encodeStartup(): Buffer {
  const b = Buffer.alloc(STARTUP_SIZE);
  b.writeUInt32BE(OMAPI_PROTOCOL_VERSION, 0);
  b.writeUInt32BE(OMAPI_HEADER_SIZE, 4);
  return b;
}

/**
 * Encodes a message; with a signer, authlen is set to the signature length and the signature is appended.
 * The given `authId` is written as is (0 when unsigned).
 */
export function encodeMessage(m: Omit<OmapiMessage, 'signature'>, signer?: Signer): Buffer {
  const header = Buffer.alloc(OMAPI_HEADER_SIZE);
  header.writeUInt32BE(m.authId, 0);
  header.writeUInt32BE(signer ? signer.signatureLength : 0, 4);
  header.writeUInt32BE(m.op, 8);
  header.writeUInt32BE(m.handle, 12);
  header.writeUInt32BE(m.id, 16);
  header.writeUInt32BE(m.rid, 20);
  const body = Buffer.concat([header, encodeValues(m.message), encodeValues(m.object)]);
  if (!signer) return body;
  const signature = signer.sign(body.subarray(4));
  if (signature.length !== signer.signatureLength) throw new Error('signer returned a signature of the wrong length');
  return Buffer.concat([body, signature]);
}

function encodeValues(values: OmapiValues): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of values) {
    const n = Buffer.from(name, 'latin1');
    if (n.length === 0 || n.length > 0xffff) throw new Error(`OMAPI value name must be 1..65535 bytes: "${name}"`);
    const lengths = Buffer.alloc(2);
    lengths.writeUInt16BE(n.length, 0);
    const valueLength = Buffer.alloc(4);
    valueLength.writeUInt32BE(value.length, 0);
    parts.push(lengths, n, valueLength, value);
  }
  parts.push(Buffer.alloc(2)); // zero-length name ends the list
  return Buffer.concat(parts);
}

/**
 * Decodes one message at the start of `b`.
 * Returns undefined when `b` holds only part of it, so a stream reader can wait for more bytes.
 */
export function decodeMessage(b: Buffer, headerSize = OMAPI_HEADER_SIZE): { message: DecodedMessage; length: number } | undefined {
  if (b.length < headerSize) return undefined;
  const authLen = b.readUInt32BE(4);
  // A larger header than ours is allowed by ISC's reader: the extra bytes are skipped.
  let offset = headerSize;
  const message = decodeValues(b, offset);
  if (!message) return undefined;
  offset = message.end;
  const object = decodeValues(b, offset);
  if (!object) return undefined;
  offset = object.end;
  if (b.length < offset + authLen) return undefined;
  const length = offset + authLen;
  return {
    length,
    message: {
      authId: b.readUInt32BE(0),
      op: b.readUInt32BE(8),
      handle: b.readUInt32BE(12),
      id: b.readUInt32BE(16),
      rid: b.readUInt32BE(20),
      message: message.values,
      object: object.values,
      signature: Buffer.from(b.subarray(offset, length)),
      signedBytes: Buffer.from(b.subarray(4, offset)),
    },
  };
}

function decodeValues(b: Buffer, start: number): { values: OmapiValues; end: number } | undefined {
  const values: Array<readonly [string, Buffer]> = [];
  let offset = start;
  for (;;) {
    if (b.length < offset + 2) return undefined;
    const nameLength = b.readUInt16BE(offset);
    offset += 2;
    if (nameLength === 0) return { values, end: offset };
    if (b.length < offset + nameLength + 4) return undefined;
    const name = b.toString('latin1', offset, offset + nameLength);
    offset += nameLength;
    const valueLength = b.readUInt32BE(offset);
    offset += 4;
    if (valueLength > MAX_MESSAGE_SIZE) throw new OmapiDecodeError(`value "${name}" of ${valueLength} bytes is too large`);
    if (b.length < offset + valueLength) return undefined;
    values.push([name, Buffer.from(b.subarray(offset, offset + valueLength))]);
    offset += valueLength;
  }
}

/** Reads the startup message and then messages from a byte stream that arrives in arbitrary chunks. */
export class OmapiStreamDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  private headerSize: number | undefined;

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
  }

  /** The peer's startup message, once complete; must be taken before any message. */
  readStartup(): Startup | undefined {
    if (this.headerSize !== undefined) throw new Error('startup message already read');
    if (this.buffer.length < STARTUP_SIZE) return undefined;
    const startup: Startup = { version: this.buffer.readUInt32BE(0), headerSize: this.buffer.readUInt32BE(4) };
    this.buffer = this.buffer.subarray(STARTUP_SIZE);
    if (startup.version !== OMAPI_PROTOCOL_VERSION) throw new OmapiDecodeError(`unsupported OMAPI protocol version ${startup.version}`);
    if (startup.headerSize < OMAPI_HEADER_SIZE) throw new OmapiDecodeError(`OMAPI header size ${startup.headerSize} is too small`);
    this.headerSize = startup.headerSize;
    return startup;
  }

  /** The next complete message, or undefined until more bytes arrive. */
  readMessage(): DecodedMessage | undefined {
    if (this.headerSize === undefined) throw new Error('startup message not read yet');
    const decoded = decodeMessage(this.buffer, this.headerSize);
    if (!decoded) {
      if (this.buffer.length > MAX_MESSAGE_SIZE) throw new OmapiDecodeError(`message larger than ${MAX_MESSAGE_SIZE} bytes`);
      return undefined;
    }
    this.buffer = this.buffer.subarray(decoded.length);
    return decoded.message;
  }
}

/** First value of that name, as ISC's generic objects keep one value per name. */
export function findValue(values: OmapiValues, name: string): Buffer | undefined {
  return values.find(([n]) => n === name)?.[1];
}
