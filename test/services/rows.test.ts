import { FailoverRole } from '../../src/domain';
import { DhcpServer, FailoverRelationship, Pool, Scope } from '../../src/entities';
import { READ, insertScopes, replacePoolsOfServer, select, toPool, toRelationship, toScope, toServer } from '../../src/db/rows';
import { parseRanges } from '../../src/entities/stored-ranges';
import { rowReader, type Row, type RowQuery } from '../../src/db/row-reader';
import { Site } from '../helpers/site';

/**
 * src/db/rows.ts writes the tables' column names again, for its plain SQL: each list must name every column
 * of its entity, so a column added to an entity and forgotten there fails here.
 */
describe('the column lists of src/db/rows.ts and the entities', () => {
  let site: Site;
  beforeAll(async () => {
    site = await Site.start();
  });
  afterAll(() => site.stop());

  const columnsOf = (entity: Function) => site.gateway.db.getMetadata(entity).columns;
  const rows = async <T>(query: RowQuery, map: (r: Row) => T): Promise<T[]> => {
    const found: T[] = [];
    await rowReader(site.gateway.db).each(query, [], (r) => found.push(map(r)));
    return found;
  };
  const tables = [
    ['server', DhcpServer, toServer],
    ['relationship', FailoverRelationship, toRelationship],
    ['scope', Scope, toScope],
    ['pool', Pool, toPool],
  ] as const;

  test.each(tables)('READ.%s reads every column, and its mapper sets every property', (key, entity, toEntity) => {
    expect(READ[key].table).toBe(site.gateway.db.getMetadata(entity).tableName);
    const selected = READ[key].columns.split(', ');
    expect(selected.sort()).toEqual(columnsOf(entity).map((c) => c.databaseName).sort());
    // A row as src/db/row-reader.ts gives it (values in the SELECT's order): every property gets a value.
    const entityOfRow = toEntity(selected.map(() => '[]'));
    expect(columnsOf(entity).filter((c) => c.getEntityValue(entityOfRow) === undefined).map((c) => c.propertyName)).toEqual([]);
    // one own property per column, and no other (a pool's ranges are an accessor over one)
    expect(Object.keys(entityOfRow)).toHaveLength(columnsOf(entity).length);
  });

  test('insertScopes and replacePoolsOfServer write every column: a row reads back as it was given', async () => {
    const db = site.gateway.db;
    const server = await db.getRepository(DhcpServer).save({ name: 'x', address: '192.0.2.1', configPath: '/x.conf', unmatchedFailoverPeers: [] });
    const rel = await db.getRepository(FailoverRelationship).save({ name: 'r', primaryServerId: server.id, secondaryServerId: server.id, percentage: 50, mclt: 3600, port: 647, loadBalanceMaxSeconds: 3, maxResponseDelay: 60, maxUnackedUpdates: 10 });
    // every column with a value other than its default
    const scope = { serverId: server.id, network: '198.18.0.0/24', name: 'lab', enabled: false, failoverRelationshipId: rel.id, failoverRole: FailoverRole.SECONDARY };
    const ranges = [{ start: '198.18.0.10', end: '198.18.0.20' }];
    await db.transaction(async (tx) => {
      await insertScopes(tx, [scope]);
      await replacePoolsOfServer(tx, server.id, new Map([['198.18.0.0/24', [ranges, ranges]]]));
    });
    const read = (await rows(select(READ.scope, `server_id = ${server.id}`), toScope))[0];
    expect(read).toEqual(Object.assign(new Scope(), { id: read.id, ...scope }));
    const pools = await rows(select(READ.pool, `scope_id = ${read.id}`, 'position'), toPool);
    // The ranges as the pool reads them (they are kept as the stored text until then).
    expect(pools.map((p) => ({ id: p.id, scopeId: p.scopeId, position: p.position, ranges: p.ranges }))).toEqual([0, 1].map((position) => ({ id: pools[position].id, scopeId: read.id, position, ranges })));
    expect(pools.every((p) => p instanceof Pool)).toBe(true);
    expect(Object.keys(scope).sort()).toEqual(columnsOf(Scope).map((c) => c.propertyName).filter((p) => p !== 'id').sort());
  });

  test.each([
    '[]',
    '[{"start":"198.18.0.10","end":"198.18.0.20"}]',
    '[{"start":"198.18.0.10","end":"198.18.0.20"},{"start":"198.18.0.30","end":"198.18.0.40"}]',
    // not as JSON.stringify of IpRange[] writes it: read by JSON.parse all the same
    '[{"end":"198.18.0.20","start":"198.18.0.10"}]',
    '[{"start":"198.18.0.10","end":"198.18.0.20","note":"x"}]',
    '[ {"start":"198.18.0.10","end":"198.18.0.20"} ]',
    '[{"start":"a\\"b","end":"c"}]',
  ])('parseRanges reads %s as JSON.parse does', (text) => {
    expect(parseRanges(text)).toEqual(JSON.parse(text));
  });

  test.each(['[{"start":"198.18.0.10","end":"198.18.0.20"}]x', '[{"start":"198.18.0.10","end":"198.18.0.20"},]', '[{"start":"198.18.0.10"'])('parseRanges refuses %s as JSON.parse does', (text) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(() => parseRanges(text)).toThrow();
  });
});
