import type { DataSource } from 'typeorm';
import { sha256, type ValidationResult } from '../../config-sync';
import type { ChangeSetDeps } from '../../config-sync/apply/change-set';
import { FileStates } from '../../db/file-states';
import { DhcpServer, FailoverRelationship, Scope } from '../../entities';
import { reviewPair, reviewServer, type ConfigProblem, type ServerSide } from '../../review';
import type { LiveStateService } from '../failover/live-state';

/**
 * The consistency review (src/review) fed from the servers' current files, the database and the live state.
 * `dhcpd -t` of a current file is run once per content: its verdict is kept by path and SHA-256.
 */
export class ReviewService {
  private readonly verdicts = new Map<string, { hash: string; verdict: Promise<ValidationResult | null> }>();

  constructor(
    private readonly db: DataSource,
    private readonly files: ChangeSetDeps,
    private readonly liveState: LiveStateService,
  ) {}

  async relationshipProblems(rel: FailoverRelationship): Promise<ConfigProblem[]> {
    const [primary, secondary] = await Promise.all([this.side(rel.primaryServerId), this.side(rel.secondaryServerId)]);
    const active = inUse(rel, primary, secondary);
    const own = [primary, secondary].flatMap((side) => reviewServer({ side, relationships: active ? [rel] : [] }));
    return active ? [...own, ...(await this.pairProblems(rel, primary, secondary))] : own;
  }

  async serverProblems(server: DhcpServer): Promise<ConfigProblem[]> {
    const side = await this.side(server.id);
    const relationships = await this.db
      .getRepository(FailoverRelationship)
      .createQueryBuilder('r')
      .where(':id IN (r.primary_server_id, r.secondary_server_id)', { id: server.id })
      .orderBy('r.id')
      .getMany();
    const active: FailoverRelationship[] = [];
    const fromPairs: ConfigProblem[] = [];
    for (const rel of relationships) {
      const partner = await this.side(rel.primaryServerId === server.id ? rel.secondaryServerId : rel.primaryServerId);
      const [primary, secondary] = rel.primaryServerId === server.id ? [side, partner] : [partner, side];
      if (!inUse(rel, primary, secondary)) continue;
      active.push(rel);
      // What lies between the two files concerns both servers; what is in the partner's file alone, only the partner.
      fromPairs.push(...(await this.pairProblems(rel, primary, secondary)).filter((p) => p.server === null || p.server.id === server.id));
    }
    return [...reviewServer({ side, relationships: active }), ...fromPairs];
  }

  private async pairProblems(rel: FailoverRelationship, primary: ServerSide, secondary: ServerSide): Promise<ConfigProblem[]> {
    const live = await this.liveState.read(rel.name, primary.server, secondary.server);
    return reviewPair({ relationship: rel, primary, secondary, live, now: new Date() });
  }

  private async side(serverId: number): Promise<ServerSide> {
    const server = await this.db.getRepository(DhcpServer).findOneByOrFail({ id: serverId });
    const scopes = await this.db.getRepository(Scope).find({ where: { serverId }, order: { id: 'ASC' } });
    const seenHash = await new FileStates(this.db.manager).hash(serverId, server.configPath);
    const files = this.files.filesOf(server);
    let content: Buffer | null;
    try {
      content = await files.read(server.configPath);
    } catch (e) {
      return { server, scopes, model: null, verdict: null, hash: null, seenHash, readError: e instanceof Error ? e.message : String(e) };
    }
    if (content === null) return { server, scopes, model: null, verdict: null, hash: sha256(''), seenHash, readError: 'the file does not exist' };
    const hash = sha256(content);
    const model = this.files.models.model(server.configPath, content, hash);
    return { server, scopes, model, verdict: await this.verdict(server, content, hash), hash, seenHash, readError: null };
  }

  private verdict(server: DhcpServer, content: Buffer, hash: string): Promise<ValidationResult | null> {
    const cached = this.verdicts.get(server.configPath);
    if (cached?.hash === hash) return cached.verdict;
    // A dhcpd that cannot be run says nothing about the file; it is asked again next time.
    const verdict = this.files
      .filesOf(server)
      .validate(server.configPath, new Map([[server.configPath, content.toString('utf8')]]))
      .catch(() => {
        this.verdicts.delete(server.configPath);
        return null;
      });
    this.verdicts.set(server.configPath, { hash, verdict });
    return verdict;
  }
}

/** A relationship is reviewed as a pair once a scope is in it; while EMPTY nothing of it is in the files. */
function inUse(rel: FailoverRelationship, primary: ServerSide, secondary: ServerSide): boolean {
  return [...primary.scopes, ...secondary.scopes].some((s) => s.failoverRelationshipId === rel.id);
}
