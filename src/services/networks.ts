import type { EntityManager } from 'typeorm';
import type { ConfigModel } from '../config-sync';
import { placeholder } from '../db/rows';
import { ConflictError } from '../errors';
import { Cidr, parseCidr } from '../net/ipv4';

/** A server declares each address in at most one subnet: a new scope may neither repeat nor overlap one. */
export async function checkNetworkFree(tx: EntityManager, serverId: number, serverName: string, cidr: Cidr, allowSame = false): Promise<void> {
  const rows: { network: string }[] = await tx.query(`SELECT network FROM scope WHERE server_id = ${placeholder(tx, 1)}`, [serverId]);
  for (const { network } of rows) {
    if (allowSame && network === cidr.text) continue;
    const other = parseCidr(network, 'network');
    if (other.first <= cidr.last && cidr.first <= other.last) {
      throw new ConflictError(
        network === cidr.text ? `server "${serverName}" already has scope ${network}` : `${cidr.text} overlaps scope ${network} on server "${serverName}"`,
      );
    }
  }
}

/** The same rule against the file itself: a subnet added by hand and not synced yet counts too. */
export function checkNetworkFreeInFile(model: ConfigModel, serverName: string, cidr: Cidr): void {
  for (const { network } of model.subnets) {
    const other = parseCidr(network, 'network');
    if (other.first <= cidr.last && cidr.first <= other.last) {
      throw new ConflictError(`${cidr.text} overlaps subnet ${network} in the file of server "${serverName}"; run syncServer to see it`);
    }
  }
}
