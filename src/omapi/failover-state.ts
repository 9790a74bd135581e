import { type OmapiConnectOptions, OmapiConnection } from './connection';
import { OmapiError } from './errors';
import { findValue, type OmapiValues } from './wire';

/**
 * `enum failover_state` of ISC dhcp 4.x (includes/failover.h) with the names dhcpd prints for them in its log and
 * lease file (server/failover.c, dhcp_failover_state_name_print).
 */
const FAILOVER_STATE_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'unknown-state'],
  [1, 'startup'],
  [2, 'normal'],
  [3, 'communications-interrupted'],
  [4, 'partner-down'],
  [5, 'potential-conflict'],
  [6, 'recover'],
  [7, 'paused'],
  [8, 'shutdown'],
  [9, 'recover-done'],
  [10, 'resolution-interrupted'],
  [11, 'conflict-done'],
  [254, 'recover-wait'],
]);

/** dhcpd's own name for a failover state number; like dhcpd, anything it does not know prints as unknown-state. */
export function failoverStateName(code: number): string {
  return FAILOVER_STATE_NAMES.get(code) ?? 'unknown-state';
}

export interface FailoverState {
  /** this server's state, e.g. "normal" */
  localState: string;
  /** what this server last heard its partner's state to be */
  partnerState: string;
}

/** Reads the `failover-state` object of the given peer name on an open connection. */
export async function queryFailoverState(conn: OmapiConnection, peerName: string): Promise<FailoverState> {
  let object: OmapiValues;
  try {
    object = await conn.openObject('failover-state', [['name', Buffer.from(peerName, 'latin1')]]);
  } catch (err) {
    if (err instanceof OmapiError && err.code === 'not-found') {
      throw new OmapiError('not-found', `failover peer "${peerName}" not found on ${conn.endpoint}`);
    }
    throw err;
  }
  return { localState: stateValue(object, 'local-state', conn), partnerState: stateValue(object, 'partner-state', conn) };
}

/** dhcpd 4.x's number for partner-down (`enum failover_state` in includes/failover.h; it was 1 in dhcpd 3.0). */
export const PARTNER_DOWN = 4;

/**
 * Sets the local state of the given peer on an open connection, as `omshell` does with `set local-state = 4`
 * and `update`: dhcpd then acts as if it had been told its partner is down.
 */
export async function updateFailoverLocalState(conn: OmapiConnection, peerName: string, state: number): Promise<void> {
  const value = Buffer.alloc(4);
  value.writeUInt32BE(state, 0);
  try {
    await conn.updateObject('failover-state', [['name', Buffer.from(peerName, 'latin1')]], [['local-state', value]]);
  } catch (err) {
    if (err instanceof OmapiError && err.code === 'not-found') {
      throw new OmapiError('not-found', `failover peer "${peerName}" not found on ${conn.endpoint}`);
    }
    throw err;
  }
}

function stateValue(object: OmapiValues, name: string, conn: OmapiConnection): string {
  const v = findValue(object, name);
  if (v?.length !== 4) throw new OmapiError('protocol', `${conn.endpoint} sent no 4-byte "${name}" in the failover-state object`);
  return failoverStateName(v.readUInt32BE(0));
}

export interface ReadFailoverStateOptions extends OmapiConnectOptions {
  peerName: string;
}

/** One-shot: connect, read one peer's failover state, disconnect. */
export async function readFailoverState(opts: ReadFailoverStateOptions): Promise<FailoverState> {
  const conn = await OmapiConnection.connect(opts);
  try {
    return await queryFailoverState(conn, opts.peerName);
  } finally {
    conn.close();
  }
}
