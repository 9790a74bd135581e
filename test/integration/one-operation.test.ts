import { Site } from '../helpers/site';
import { describeWithDhcpd } from '../helpers/dhcpd';

describeWithDhcpd('several mutations in one operation', () => {
  let site: Site;
  beforeAll(async () => {
    site = await Site.start();
    await site.seed('failover-pair');
  });
  afterAll(() => site.stop());

  test('each mutation answers from the data as it left it, not from what an earlier one read', async () => {
    const { server } = await site.ok(`{ server(name: "dhcp-a") { scopes { id network } } }`);
    const office = server.scopes.find((s: any) => s.network === '198.51.100.0/24').id;
    const data = await site.ok(
      `mutation($ids: [ID!]!) {
        a: createFailoverRelationship(input: { name: "ab", primaryServer: "dhcp-a", secondaryServer: "dhcp-b" }) { status scopes { id } }
        b: addScopesToFailoverRelationship(name: "ab", scopeIds: $ids) { status scopes { network failoverRole server { name } } }
      }`,
      { ids: [office] },
    );
    expect(data.a).toEqual({ status: 'EMPTY', scopes: [] });
    expect(data.b).toEqual({
      status: 'NORMAL',
      scopes: [
        { network: '198.51.100.0/24', failoverRole: 'PRIMARY', server: { name: 'dhcp-a' } },
        { network: '198.51.100.0/24', failoverRole: 'SECONDARY', server: { name: 'dhcp-b' } },
      ],
    });
  });
});
