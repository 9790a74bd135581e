import { createHmac } from 'node:crypto';
import type { Signer } from './wire';

export type { OmapiKey } from '../domain';

/**
 * The algorithm name sent when opening the authenticator. dhcpd stores `hmac-md5` from its config under this
 * DNS TSIG name and compares case-insensitively; omshell sends exactly this string.
 */
export const HMAC_MD5_ALGORITHM = 'hmac-md5.SIG-ALG.REG.INT.';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export class HmacMd5Signer implements Signer {
  readonly signatureLength = 16;
  private readonly secret: Buffer;

  constructor(secretBase64: string) {
    // Buffer.from(…, 'base64') silently skips garbage; a typo'd secret must fail here, not as "auth failed" later.
    const compact = secretBase64.replace(/\s+/g, '');
    if (compact.length === 0 || !BASE64.test(compact)) throw new Error('OMAPI key secret is not valid base64');
    this.secret = Buffer.from(compact, 'base64');
  }

  sign(data: Buffer): Buffer {
    return createHmac('md5', this.secret).update(data).digest();
  }
}
