import { checkCurrentFile, readOrFail, unreadableFile, type ChangeSetDeps } from '../../config-sync/apply/change-set';
import { readTree, type ConfigTree } from '../../config-sync/apply/config-tree';
import { treeModel } from '../../config-sync/apply/tree-model';
import { FileStates } from '../../db/file-states';
import type { Settings } from '../../config';
import { Transport, type AddServerInput } from '../../domain';
import { DhcpServer, FailoverRelationship, Scope } from '../../entities';
import { BadUserInputError, ConflictError } from '../../errors';
import { formatIpv4 } from '../../net/ipv4';
import { checkName, ipv4Input } from '../input';
import { resolveConfigPath, resolveRemoteConfigPath } from './config-path';
import { importModel, type Declarations } from './import';
import type { SharedFiles } from './shared-files';
import { serverByName } from '../lookup';
import type { MutationRunner, MutationTx } from '../mutation/runner';

/** Registration and import of DHCP servers. Import reads files and never writes one. */
export class ServerService {
  constructor(
    private readonly runner: MutationRunner,
    private readonly files: ChangeSetDeps,
    private readonly settings: Settings,
    private readonly shared: SharedFiles,
  ) {}

  addServer(input: AddServerInput): Promise<DhcpServer> {
    checkName(input.name, 'name');
    const address = formatIpv4(ipv4Input(input.address, 'address'));
    const transport = input.transport ?? Transport.LOCAL;
    const configPath = this.configPathOf(input.name, transport, input.configPath);
    return this.runner.run(async (m) => {
      const { tx } = m;
      if (await tx.existsBy(DhcpServer, { name: input.name })) throw new ConflictError(`a server named "${input.name}" already exists`);
      const sameAddress = await tx.findOneBy(DhcpServer, { address });
      if (sameAddress) throw new ConflictError(`server "${sameAddress.name}" already has address ${address}`);
      const server = await tx.save(DhcpServer, tx.create(DhcpServer, { name: input.name, address, configPath, transport, unmatchedFailoverPeers: [] }));
      const model = await this.take(m, server);
      if (model) await importModel(tx, server, model);
      // Registering a partner completes relationships that its peers' files declared before it existed.
      for (const other of await tx.find(DhcpServer)) {
        if (other.id === server.id || other.unmatchedFailoverPeers.length === 0) continue;
        const otherModel = declarations(other, await this.tree(other));
        if (otherModel?.peers.some((p) => p.peerAddress === address)) await importModel(tx, other, otherModel);
      }
      return server;
    });
  }

  /** configPath resolved and confined: under CONFIG_ROOT on this disk, or under remoteRoot on an SSH server. */
  private configPathOf(name: string, transport: Transport, value: string): string {
    if (transport === Transport.LOCAL) return resolveConfigPath(this.settings.configRoot, value);
    const hooks = this.settings.hooksFor(name);
    if (!hooks.ssh) {
      throw new BadUserInputError(`server "${name}" has no "ssh" settings in GATEWAY_SERVERS_FILE (servers.${name}.ssh: user, privateKeyFile, hostKey); the operator adds them, then addServer can use transport SSH`, 'transport');
    }
    return resolveRemoteConfigPath(hooks.remoteRoot, value);
  }

  /**
   * Re-reads the server's file: what changed outside the gateway replaces what the database held, and is
   * the new last-seen state (its drift is gone) — but only a file that dhcpd -t accepts is taken over.
   */
  syncServer(name: string): Promise<DhcpServer> {
    return this.runner.run(async (m) => {
      const { tx } = m;
      const server = await serverByName(tx, name);
      const model = await this.take(m, server, { validate: true });
      if (!model) {
        if (await tx.existsBy(Scope, { serverId: server.id })) {
          throw new ConflictError(`the configuration file of server "${server.name}" is missing; nothing was changed`);
        }
        return server;
      }
      await importModel(tx, server, model);
      return server;
    });
  }

  /** Forgets a server that is in no relationship; its file is left exactly as it is. Returns its name. */
  removeServer(name: string): Promise<string> {
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
    });
  }

  /**
   * Reads the server's files (holding its lock) as the state the gateway now knows (file_state, one row per
   * file of its tree; a file no longer included is forgotten), and returns what they declare, or null when
   * the main file does not exist yet. A file of another server's tree is refused (SharedFiles); with
   * `validate`, the configuration must pass dhcpd -t.
   */
  private async take(m: MutationTx, server: DhcpServer, { validate = false } = {}): Promise<Declarations | null> {
    await m.lock(server);
    const tree = await this.tree(server);
    await this.shared.refuse(m.tx, server, tree.files.map((f) => f.path));
    const model = declarations(server, tree);
    if (validate && model) await checkCurrentFile(this.files.filesOf(server), server, tree);
    const states = new FileStates(m.tx);
    for (const f of tree.files) await states.record(server.id, f.path, f.hash, f.bytes?.toString('utf8') ?? null);
    await states.forgetOthers(server.id, tree.files.map((f) => f.path));
    return model;
  }

  /** The server's files, the main one and every one it includes. */
  private tree(server: DhcpServer): Promise<ConfigTree> {
    const files = this.files.filesOf(server);
    return readTree(server, files, this.files.models, (path) => readOrFail(files, server, path));
  }
}

/** The subnets and peers of every file of the tree, file by file; null when the main file does not exist. A file the parser cannot read is refused. */
function declarations(server: DhcpServer, tree: ConfigTree): Declarations | null {
  if (tree.files[0].bytes === null) return null;
  const bad = tree.files.find((f) => f.model.errors.length > 0);
  if (bad) throw unreadableFile(server, bad.model);
  return treeModel(tree.files);
}
