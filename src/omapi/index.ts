/** OMAPI: dhcpd's control protocol (TCP, `omapi-port`, default 7911), client side. */
export { HmacMd5Signer, type OmapiKey } from './auth';
export { OmapiConnection, type OmapiConnectOptions } from './connection';
export { OmapiError, type OmapiErrorCode } from './errors';
export {
  type FailoverState,
  failoverStateName,
  PARTNER_DOWN,
  queryFailoverState,
  readFailoverState,
  type ReadFailoverStateOptions,
  updateFailoverLocalState,
} from './failover-state';
export {
  type DecodedMessage,
  decodeMessage,
  encodeMessage,
  encodeStartup,
  findValue,
  OMAPI_HEADER_SIZE,
  type OmapiMessage,
  OmapiOp,
  OmapiStreamDecoder,
  type OmapiValues,
  type Signer,
  type Startup,
} from './wire';
