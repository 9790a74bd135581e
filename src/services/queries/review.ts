import type { DataSource } from 'typeorm';
import { sha256, treeModel, type ValidationResult } from '../../config-sync';
import type { ChangeSetDeps } from '../../config-sync/apply/change-set';
import { readTree, treeTexts, type ConfigTree } from '../../config-sync/apply/config-tree';
import { driftedFiles } from '../../config-sync/apply/drifted-files';
import { FileStates } from '../../db/file-states';
import { DhcpServer, FailoverRelationship, Scope } from '../../entities';
import { reviewPair, reviewServer, type ConfigProblem, type ServerSide } from '../../review';
import type { LiveStateService } from '../failover/live-state';

/**
 * The consistency review (src/review) fed from the servers' current files (every file of each tree), the
 * database and the live state. `dhcpd -t` of a current tree is run once per content: its verdict is kept per
 * server, with the SHA-256 of every file.
 */
export class ReviewService {
  /** By server id: two SSH servers may have files of one path, each checked by its own dhcpd. */
  private readonly verdicts = new Map<number, { hash: string; verdict: Promise<ValidationResult | null> }>();

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
    const seen = await new FileStates(this.db.manager).lastSeen(serverId);
    const files = this.files.filesOf(server);
    let tree: ConfigTree;
    let drifted: string[];
    try {
      tree = await readTree(server, files, this.files.models, (path) => files.read(path));
      const now = new Map(tree.files.map((f) => [f.path, f.bytes]));
      drifted = (await driftedFiles(seen, async (path) => (now.has(path) ? (now.get(path) ?? null) : files.read(path)))).map((f) => f.path);
    } catch (e) {
      return { server, scopes, model: null, verdict: null, drifted: [], readError: e instanceof Error ? e.message : String(e) };
    }
    if (tree.files[0].bytes === null) return { server, scopes, model: null, verdict: null, drifted, readError: 'the file does not exist' };
    return { server, scopes, model: treeModel(tree.files), verdict: await this.verdict(server, tree), drifted, readError: null };
  }

  private verdict(server: DhcpServer, tree: ConfigTree): Promise<ValidationResult | null> {
    const hash = sha256(tree.files.map((f) => `${f.path}\0${f.hash}`).join('\n'));
    const cached = this.verdicts.get(server.id);
    if (cached?.hash === hash) return cached.verdict;
    // A dhcpd that cannot be run says nothing about the files; it is asked again next time.
    const verdict = this.files
      .filesOf(server)
      .validate(tree.main, treeTexts(tree))
      .catch(() => {
        this.verdicts.delete(server.id);
        return null;
      });
    this.verdicts.set(server.id, { hash, verdict });
    return verdict;
  }
}

/** A relationship is reviewed as a pair once a scope is in it; while EMPTY nothing of it is in the files. */
function inUse(rel: FailoverRelationship, primary: ServerSide, secondary: ServerSide): boolean {
  return [...primary.scopes, ...secondary.scopes].some((s) => s.failoverRelationshipId === rel.id);
}
