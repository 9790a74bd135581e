import {
  decodeMessage,
  encodeMessage,
  encodeStartup,
  findValue,
  HmacMd5Signer,
  OMAPI_HEADER_SIZE,
  OmapiOp,
  OmapiStreamDecoder,
  type OmapiValues,
} from '../../../src/omapi';
import { type Frame, readExchange, stream, TEST_KEY } from '../../fixtures/omapi/exchange';

/** Decodes a captured frame that must hold exactly one message. */
function decodeFrame(frame: Frame) {
  const decoded = decodeMessage(frame.bytes);
  if (!decoded) throw new Error('frame holds an incomplete message');
  expect(decoded.length).toBe(frame.bytes.length);
  return decoded.message;
}

const text = (values: OmapiValues, name: string) => findValue(values, name)?.toString('latin1');
const u32 = (values: OmapiValues, name: string) => findValue(values, name)?.readUInt32BE(0);

describe('startup message', () => {
  it('is what dhcpd and omshell send: version 100, header size 24', () => {
    const frames = readExchange('omshell-open-failover-state-signed.hex');
    expect(encodeStartup()).toEqual(frames[0].bytes);
    expect(encodeStartup()).toEqual(frames[1].bytes);
  });
});

describe('decoding what dhcpd sent', () => {
  it('reads the update answer to an open of failover-state', () => {
    const [, , request, answer] = readExchange('open-failover-state.hex');
    const m = decodeFrame(answer);
    expect(m).toMatchObject({ authId: 0, op: OmapiOp.update, rid: decodeFrame(request).id, signature: Buffer.alloc(0) });
    expect(m.handle).not.toBe(0);
    expect(m.message).toEqual([]);
    expect(text(m.object, 'name')).toBe('pair');
    expect(u32(m.object, 'local-state')).toBe(2); // normal
    expect(u32(m.object, 'partner-state')).toBe(2);
    expect(u32(m.object, 'hierarchy')).toBe(1); // this capture is of the secondary
    expect(u32(m.object, 'mclt')).toBe(10);
    expect(m.object.map(([name]) => name)).toEqual([
      'name',
      'partner-address',
      'partner-port',
      'local-address',
      'local-port',
      'max-outstanding-updates',
      'mclt',
      'load-balance-max-secs',
      'load-balance-hba',
      'partner-state',
      'local-state',
      'partner-stos',
      'local-stos',
      'hierarchy',
      'last-packet-sent',
      'last-timestamp-received',
      'skew',
      'max-response-delay',
      'cur-unacked-updates',
    ]);
  });

  it('reads a status answer: result code and message', () => {
    const [, , request, answer] = readExchange('not-found.hex');
    const m = decodeFrame(answer);
    expect(m).toMatchObject({ op: OmapiOp.status, handle: 0, rid: decodeFrame(request).id });
    expect(u32(m.message, 'result')).toBe(23); // ISC_R_NOTFOUND
    expect(text(m.message, 'message')).toBe('no object matches specification');
    expect(m.object).toEqual([]);
  });

  it('reads the stream whatever the chunking, one byte at a time included', () => {
    const bytes = stream(readExchange('open-failover-state-signed.hex'), 'S>C');
    const decoder = new OmapiStreamDecoder();
    const got = [];
    for (let i = 0; i < bytes.length; i++) {
      decoder.push(bytes.subarray(i, i + 1));
      if (i === 7) expect(decoder.readStartup()).toEqual({ version: 100, headerSize: OMAPI_HEADER_SIZE });
      for (let m = i >= 8 ? decoder.readMessage() : undefined; m; m = decoder.readMessage()) got.push(m.op);
    }
    expect(got).toEqual([OmapiOp.update, OmapiOp.update]);
  });

  it('says "incomplete" for every proper prefix of a message', () => {
    const answer = readExchange('open-failover-state.hex')[3].bytes;
    for (let n = 0; n < answer.length; n++) expect(decodeMessage(answer.subarray(0, n))).toBeUndefined();
  });

  it('skips the extra header bytes of a peer that announced a larger header', () => {
    const answer = readExchange('not-found.hex')[3].bytes;
    const widened = Buffer.concat([answer.subarray(0, 24), Buffer.from('abcd'), answer.subarray(24)]);
    const decoded = decodeMessage(widened, 28);
    expect(decoded?.length).toBe(widened.length);
    expect(u32(decoded?.message.message ?? [], 'result')).toBe(23);
  });
});

describe('encoding, compared with what omshell sent', () => {
  const frames = readExchange('omshell-open-failover-state-signed.hex');
  const signer = new HmacMd5Signer(TEST_KEY.secret);

  it('encodes the unsigned authenticator open byte for byte', () => {
    const sent = decodeFrame(frames[2]);
    const bytes = encodeMessage({
      authId: 0,
      op: OmapiOp.open,
      handle: 0,
      id: sent.id,
      rid: 0,
      message: [['type', Buffer.from('authenticator')]],
      object: [
        ['name', Buffer.from(TEST_KEY.name)],
        ['algorithm', Buffer.from('hmac-md5.SIG-ALG.REG.INT.')],
      ],
    });
    expect(bytes.toString('hex')).toBe(frames[2].bytes.toString('hex'));
  });

  it('encodes and signs (HMAC-MD5) the open of failover-state byte for byte', () => {
    const authId = decodeFrame(frames[3]).handle; // the authenticator's handle is the authid from then on
    const sent = decodeFrame(frames[4]);
    const bytes = encodeMessage(
      {
        authId,
        op: OmapiOp.open,
        handle: 0,
        id: sent.id,
        rid: 0,
        message: [['type', Buffer.from('failover-state')]],
        object: [['name', Buffer.from('pair')]],
      },
      signer,
    );
    expect(bytes.toString('hex')).toBe(frames[4].bytes.toString('hex'));
  });

  it("verifies dhcpd's signature on its answer: HMAC-MD5 over everything after the authid", () => {
    const answer = decodeFrame(frames[5]);
    expect(answer.authId).toBe(decodeFrame(frames[3]).handle);
    expect(answer.signature).toHaveLength(16);
    expect(signer.sign(answer.signedBytes)).toEqual(answer.signature);
    expect(new HmacMd5Signer('AAAAAAAAAAAAAAAAAAAAAA==').sign(answer.signedBytes)).not.toEqual(answer.signature);
  });
});

describe('HmacMd5Signer', () => {
  it('refuses a secret that is not base64, rather than signing with garbage', () => {
    expect(() => new HmacMd5Signer('not base64!')).toThrow('not valid base64');
    expect(() => new HmacMd5Signer('')).toThrow('not valid base64');
  });
});
