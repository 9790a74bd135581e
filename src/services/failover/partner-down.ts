import type { Settings } from '../../config';
import type { DhcpServer } from '../../entities';
import { ConflictError } from '../../errors';
import { createLiveStateReader, recordAnswer, type PeerLiveState } from '../../live-state';
import { OmapiConnection, OmapiError, PARTNER_DOWN, updateFailoverLocalState } from '../../omapi';
import type { LiveStateService, PeerLiveStateWithHistory } from './live-state';
import { relationshipByName, serverById, serverByName } from '../lookup';
import type { MutationRunner } from '../mutation/runner';

const OMAPI_TIMEOUT_MS = 2000;

/**
 * `setPartnerDown`: tells one server over OMAPI that its partner is down, so it serves the whole pool once
 * the MCLT has passed. Only a server in communications-interrupted whose partner cannot be reached qualifies;
 * `force` waives the second condition, for a partner that still answers OMAPI but no longer serves. It goes
 * through the MutationRunner for its audit row (arguments, `force` included); it writes no file.
 */
export class PartnerDownService {
  // Fresh answers every time: the decision must not rest on a cached state.
  private readonly reader = createLiveStateReader({ timeoutMs: OMAPI_TIMEOUT_MS, ttlMs: 0 });

  constructor(
    private readonly runner: MutationRunner,
    private readonly settings: Settings,
    private readonly liveState: LiveStateService,
  ) {}

  setPartnerDown(relationship: string, serverName: string, force: boolean): Promise<PeerLiveStateWithHistory> {
    return this.runner.run(async ({ tx }) => {
      const rel = await relationshipByName(tx, relationship);
      const server = await serverByName(tx, serverName);
      if (server.id !== rel.primaryServerId && server.id !== rel.secondaryServerId) {
        throw new ConflictError(`server "${server.name}" is neither the primary nor the secondary of failover relationship "${rel.name}"`);
      }
      const partner = await serverById(tx, server.id === rel.primaryServerId ? rel.secondaryServerId : rel.primaryServerId);
      const [own, other] = await Promise.all([this.read(server, rel.name), this.read(partner, rel.name)]);
      if (own.state !== 'communications-interrupted') {
        const now = own.reachable ? `reports ${own.state}` : `cannot be read over OMAPI (${own.error})`;
        throw new ConflictError(`server "${server.name}" ${now} for failover peer "${rel.name}"; partner-down can only be set on a server in communications-interrupted`, { state: own.state });
      }
      if (other.reachable && !force) {
        throw new ConflictError(
          `the partner "${partner.name}" still answers over OMAPI (it reports ${other.state}); partner-down on "${server.name}" while its partner may still serve risks both handing out the same addresses. Use force: true only when "${partner.name}" is known not to serve clients`,
          { partnerState: other.state },
        );
      }
      try {
        await this.withConnection(server, (conn) => updateFailoverLocalState(conn, rel.name, PARTNER_DOWN));
      } catch (err) {
        if (!(err instanceof OmapiError)) throw err;
        throw new ConflictError(`server "${server.name}" did not take partner-down for failover peer "${rel.name}": ${err.message}`);
      }
      this.liveState.forget(rel.name, server);
      const after = await this.read(server, rel.name);
      return { ...after, ...(await recordAnswer(tx, server.id, rel.name, after)) };
    });
  }

  private read(server: DhcpServer, peerName: string): Promise<PeerLiveState> {
    const hooks = this.settings.hooksFor(server.name);
    return this.reader.read({ address: server.address, omapiPort: hooks.omapiPort, omapiKey: hooks.omapiKey ?? null }, peerName);
  }

  private async withConnection(server: DhcpServer, work: (conn: OmapiConnection) => Promise<void>): Promise<void> {
    const hooks = this.settings.hooksFor(server.name);
    const conn = await OmapiConnection.connect({ host: server.address, port: hooks.omapiPort, key: hooks.omapiKey ?? null, timeoutMs: OMAPI_TIMEOUT_MS });
    try {
      await work(conn);
    } finally {
      conn.close();
    }
  }
}
