import type { AuditScope } from '../audit/scope';
import type { ConfigFileCache, ConfigModel } from '../config-sync';
import type { Settings } from '../config';
import { DhcpServer, FailoverRelationship, Scope } from '../entities';
import { ConflictError } from '../errors';
import { unreadableFile } from './change-set';
import { formatIPv4, parseIPv4 } from '../net/ipv4';
import { checkName } from '../net/names';
import { resolveConfigPath } from './config-path';
import { importModel } from './import';
import { serverByName } from './lookup';
import type { MutationRunner } from './mutation-runner';

export interface AddServerInput {
  name: string;
  address: string;
  configPath: string;
}

/** Registration and import of DHCP servers. Import reads files and never writes one. */
export class ServerService {
  constructor(
    private readonly runner: MutationRunner,
    private readonly files: ConfigFileCache,
    private readonly settings: Settings,
  ) {}

  addServer(input: AddServerInput, audit?: AuditScope): Promise<DhcpServer> {
    checkName(input.name, 'name');
    const address = formatIPv4(parseIPv4(input.address, 'address'));
    const configPath = resolveConfigPath(this.settings.configRoot, input.configPath);
    return this.runner.run(async ({ tx }) => {
      if (await tx.existsBy(DhcpServer, { name: input.name })) throw new ConflictError(`a server named "${input.name}" already exists`);
      const sameAddress = await tx.findOneBy(DhcpServer, { address });
      if (sameAddress) throw new ConflictError(`server "${sameAddress.name}" already has address ${address}`);
      const samePath = await tx.findOneBy(DhcpServer, { configPath });
      if (samePath) throw new ConflictError(`server "${samePath.name}" already uses that configPath`);
      const server = await tx.save(DhcpServer, tx.create(DhcpServer, { name: input.name, address, configPath, unmatchedFailoverPeers: [] }));
      const model = await this.read(server);
      if (model) await importModel(tx, server, model);
      // Registering a partner completes relationships that its peers' files declared before it existed.
      for (const other of await tx.find(DhcpServer)) {
        if (other.id === server.id || other.unmatchedFailoverPeers.length === 0) continue;
        const otherModel = await this.read(other);
        if (otherModel?.peers.some((p) => p.peerAddress === address)) await importModel(tx, other, otherModel);
      }
      return server;
    }, audit);
  }

  /** Re-reads the server's file: what changed outside the gateway replaces what the database held. */
  syncServer(name: string, audit?: AuditScope): Promise<DhcpServer> {
    return this.runner.run(async ({ tx }) => {
      const server = await serverByName(tx, name);
      const model = await this.read(server);
      if (!model) {
        if (await tx.existsBy(Scope, { serverId: server.id })) {
          throw new ConflictError(`the configuration file of server "${server.name}" is missing; nothing was changed`);
        }
        return server;
      }
      await importModel(tx, server, model);
      return server;
    }, audit);
  }

  /** Forgets a server that is in no relationship; its file is left exactly as it is. Returns its name. */
  removeServer(name: string, audit?: AuditScope): Promise<string> {
    return this.runner.run(async ({ tx }) => {
      const server = await serverByName(tx, name);
      const rels = await tx.find(FailoverRelationship, { where: [{ primaryServerId: server.id }, { secondaryServerId: server.id }], order: { name: 'ASC' } });
      if (rels.length > 0) {
        const names = rels.map((r) => `"${r.name}"`).join(', ');
        throw new ConflictError(`server "${server.name}" is in failover relationship ${names}; remove it first (removeFailoverRelationships)`);
      }
      // Its scopes and their pools go with it (ON DELETE CASCADE).
      await tx.delete(DhcpServer, server.id);
      return server.name;
    }, audit);
  }

  /** The parsed file, or null when it does not exist yet; a file the parser cannot read is refused. */
  private async read(server: DhcpServer): Promise<ConfigModel | null> {
    const model = await this.files.read(server.configPath);
    if (model && model.errors.length > 0) throw unreadableFile(server, model);
    return model;
  }
}
