import type { EntityManager } from 'typeorm';
import type { TreeModel } from '../../config-sync';
import { networksOfServer } from '../../db/rows';
import { ConflictError } from '../../errors';
import { cidrSpan, overlaps, type Cidr } from '../../net/ipv4';

/** The first of `networks` (canonical CIDR texts) that shares an address with `cidr`, skipping `except`. */
function firstOverlap(cidr: Cidr, networks: string[], except?: string): string | undefined {
  return networks.find((network) => {
    if (network === except) return false;
    const other = cidrSpan(network);
    return other !== null && overlaps(other, cidr);
  });
}

/** A server declares each address in at most one subnet: a new scope may neither repeat nor overlap one. */
export async function checkNetworkFree(tx: EntityManager, serverId: number, serverName: string, cidr: Cidr, allowSame = false): Promise<void> {
  const network = firstOverlap(cidr, await networksOfServer(tx, serverId), allowSame ? cidr.text : undefined);
  if (network !== undefined) {
    throw new ConflictError(network === cidr.text ? `server "${serverName}" already has scope ${network}` : `${cidr.text} overlaps scope ${network} on server "${serverName}"`);
  }
}

/** The same rule against the files themselves: a subnet added by hand and not synced yet counts too. */
export function checkNetworkFreeInFile(model: TreeModel, serverName: string, cidr: Cidr): void {
  const network = firstOverlap(cidr, model.subnets.map((s) => s.network));
  if (network !== undefined) throw new ConflictError(`${cidr.text} overlaps subnet ${network} in the files of server "${serverName}"; run syncServer to see it`);
}
