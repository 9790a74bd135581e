/**
 * The consistency review on crafted pairs: the hand-made pair of seeds/imported-pair, registered on loopback
 * addresses (so the live-state reads the review makes are refused at once and leave no machine), each case
 * with one change to a file, and the problem it must show. Files and dhcpd -t are real.
 */
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SEEDS_DIR } from '../../src/seed';
import { DHCPD, describeWithDhcpd } from '../helpers/dhcpd';
import { Site } from '../helpers/site';

const PRIMARY_ADDRESS = '127.0.0.20';
const SECONDARY_ADDRESS = '127.0.0.21';
const seedFile = (name: string) => readFileSync(path.join(SEEDS_DIR, 'imported-pair', `${name}.conf`), 'utf8').replace(/192\.0\.2\.(2[01])\b/g, '127.0.0.$1');

const PROBLEMS = `query($rel: String!) {
  failoverRelationship(name: $rel) { problems { code severity server { name } scope { network } message } }
  servers { name problems { code server { name } } }
}`;

interface Problem {
  code: string;
  severity: string;
  server: { name: string } | null;
  scope: { network: string } | null;
  message: string;
}

/** Registers the (crafted) pair and returns what the review says of the relationship and of each server. */
async function review(edit: { p?: (text: string) => string; s?: (text: string) => string } = {}, env: Record<string, string> = {}, more: (site: Site) => Promise<void> = async () => {}) {
  const site = await Site.start(env);
  try {
    const p = (edit.p ?? ((t) => t))(seedFile('dhcp-p'));
    const s = (edit.s ?? ((t) => t))(seedFile('dhcp-s'));
    writeFileSync(path.join(site.configRoot, 'dhcp-p.conf'), p);
    writeFileSync(path.join(site.configRoot, 'dhcp-s.conf'), s);
    for (const [name, address] of [['dhcp-p', PRIMARY_ADDRESS], ['dhcp-s', SECONDARY_ADDRESS]]) {
      await site.ok(`mutation($input: AddServerInput!) { addServer(input: $input) { id } }`, { input: { name, address, configPath: `${name}.conf` } });
    }
    const data = await site.ok<{ failoverRelationship: { problems: Problem[] }; servers: { name: string; problems: { code: string; server: { name: string } | null }[] }[] }>(PROBLEMS, { rel: 'campus' });
    await more(site);
    return { relationship: data.failoverRelationship.problems, servers: Object.fromEntries(data.servers.map((x) => [x.name, x.problems])) };
  } finally {
    await site.stop();
  }
}

const replace = (from: string | RegExp, to: string) => (text: string) => {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`fixture edit found no ${String(from)}`);
  return next;
};

describeWithDhcpd('the consistency review', () => {
  it('finds nothing wrong with a clean pair', async () => {
    const r = await review();
    expect(r.relationship).toEqual([]);
    expect(r.servers).toEqual({ 'dhcp-p': [], 'dhcp-s': [] });
  }, 30_000);

  it('reports POOLS_DIFFER when a pool of the secondary covers other addresses', async () => {
    const r = await review({ s: replace('range 198.51.100.160 198.51.100.200;', 'range 198.51.100.160 198.51.100.210;') });
    expect(r.relationship).toEqual([
      {
        code: 'POOLS_DIFFER',
        severity: 'ERROR',
        server: null,
        scope: { network: '198.51.100.0/24' },
        message: expect.stringContaining('"dhcp-p" has 198.51.100.160-198.51.100.200; 198.51.100.50-198.51.100.150, "dhcp-s" has 198.51.100.160-198.51.100.210; 198.51.100.50-198.51.100.150'),
      },
    ]);
    // Between the two files: both servers show it.
    expect(r.servers['dhcp-p'].map((p) => p.code)).toEqual(['POOLS_DIFFER']);
    expect(r.servers['dhcp-s'].map((p) => p.code)).toEqual(['POOLS_DIFFER']);
  }, 30_000);

  it('reports SUBNET_STATEMENTS_DIFFER for another router and a statement on one side only', async () => {
    const r = await review({ s: replace('\t\toption routers 198.51.100.1;', '\t\toption routers 198.51.100.254;\n\t\tdefault-lease-time 600;') });
    expect(r.relationship).toHaveLength(1);
    expect(r.relationship[0]).toMatchObject({ code: 'SUBNET_STATEMENTS_DIFFER', severity: 'WARNING', server: null, scope: { network: '198.51.100.0/24' } });
    expect(r.relationship[0].message).toContain('subnet 198.51.100.0/24: "option routers 198.51.100.1" on "dhcp-p" but "option routers 198.51.100.254" on "dhcp-s"');
    expect(r.relationship[0].message).toContain('"default-lease-time 600" only on "dhcp-s"');
  }, 30_000);

  it('reports PEER_DECLARATIONS_DIFFER for mismatched ports and for mclt/split on the secondary', async () => {
    const r = await review({ s: replace('\tpeer port 647;', '\tpeer port 847;\n\tmclt 1800;\n\tsplit 128;') });
    // dhcpd itself refuses mclt and split on a secondary; the review says which file and what to do.
    expect(r.relationship.map((p) => [p.code, p.server?.name ?? null])).toEqual([
      ['CURRENT_FILE_INVALID', 'dhcp-s'],
      ['PEER_DECLARATIONS_DIFFER', null],
      ['PEER_DECLARATIONS_DIFFER', 'dhcp-s'],
    ]);
    expect(r.relationship[1].message).toContain('the `port` on "dhcp-p" is 647 but the `peer port` on "dhcp-s" is 847');
    expect(r.relationship[2].message).toContain('sets mclt, split, which dhcpd takes from the primary only');
    expect(r.servers['dhcp-p'].map((p) => p.code)).toEqual(['PEER_DECLARATIONS_DIFFER']);
  }, 30_000);

  it('reports SCOPE_ON_ONE_SIDE when the secondary lacks a failover subnet', async () => {
    const r = await review({
      p: replace('subnet 203.0.113.0 netmask 255.255.255.0 {\n\tpool {\n', 'subnet 203.0.113.0 netmask 255.255.255.0 {\n\tpool {\n\t\tfailover peer "campus";\n'),
    });
    expect(r.relationship).toEqual([
      {
        code: 'SCOPE_ON_ONE_SIDE',
        severity: 'ERROR',
        server: { name: 'dhcp-s' },
        scope: { network: '203.0.113.0/24' },
        message: expect.stringContaining('subnet 203.0.113.0/24 of failover peer "campus" is declared on server "dhcp-p" but not (or only disabled) on "dhcp-s"'),
      },
    ]);
  }, 30_000);

  it('reports NO_OMAPI for a server of the pair whose file has no omapi-port', async () => {
    const r = await review({ s: replace('omapi-port 7911;\n', '') });
    expect(r.relationship).toEqual([expect.objectContaining({ code: 'NO_OMAPI', severity: 'WARNING', server: { name: 'dhcp-s' }, scope: null })]);
    expect(r.servers).toEqual({ 'dhcp-p': [], 'dhcp-s': [{ code: 'NO_OMAPI', server: { name: 'dhcp-s' } }] });
  }, 30_000);

  it('reports DRIFT for a file changed outside the gateway, until syncServer takes it over', async () => {
    let drifted: Problem[] = [];
    let synced: Problem[] = [];
    await review({}, {}, async (site) => {
      const file = path.join(site.configRoot, 'dhcp-s.conf');
      writeFileSync(file, readFileSync(file, 'utf8').replace('max-response-delay 30;', 'max-response-delay 45; # edited by hand'));
      drifted = (await site.ok<{ failoverRelationship: { problems: Problem[] } }>(PROBLEMS, { rel: 'campus' })).failoverRelationship.problems;
      await site.ok(`mutation { syncServer(name: "dhcp-s") { name } }`);
      synced = (await site.ok<{ failoverRelationship: { problems: Problem[] } }>(PROBLEMS, { rel: 'campus' })).failoverRelationship.problems;
    });
    expect(drifted.filter((p) => p.code === 'DRIFT')).toEqual([expect.objectContaining({ code: 'DRIFT', severity: 'WARNING', server: { name: 'dhcp-s' }, scope: null })]);
    expect(drifted.find((p) => p.code === 'DRIFT')!.message).toContain('syncServer');
    expect(synced.filter((p) => p.code === 'DRIFT')).toEqual([]);
  }, 30_000);

  it('reports CURRENT_FILE_INVALID with dhcpd\'s message for a file dhcpd -t refuses', async () => {
    // The gateway's parser takes it; dhcpd does not know the option.
    const r = await review({ p: replace('ddns-update-style none;', 'ddns-update-style none;\noption no-such-option 1;') });
    expect(r.relationship).toEqual([expect.objectContaining({ code: 'CURRENT_FILE_INVALID', severity: 'ERROR', server: { name: 'dhcp-p' } })]);
    expect(r.relationship[0].message).toMatch(/dhcpd -t refuses the current file of server "dhcp-p".*no-such-option/);
  }, 30_000);

  it('runs dhcpd -t on a current file once per content, not on every query', async () => {
    // The real dhcpd behind a wrapper that counts its runs on the primary's file.
    const counter = path.join(os.tmpdir(), `dhcpd-runs-${process.pid}`);
    const wrapper = path.join(os.tmpdir(), `dhcpd-counting-${process.pid}`);
    writeFileSync(counter, '');
    writeFileSync(wrapper, `#!/bin/sh\necho run >> ${counter}\nexec ${DHCPD!} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const runs = () => readFileSync(counter, 'utf8').split('\n').filter(Boolean).length;
    let afterFirst = 0;
    await review({ p: replace('ddns-update-style none;', 'ddns-update-style none;\noption no-such-option 1;') }, { DHCPD_BIN: wrapper }, async (site) => {
      afterFirst = runs();
      for (let i = 0; i < 3; i++) expect((await site.ok<any>(PROBLEMS, { rel: 'campus' })).failoverRelationship.problems[0].code).toBe('CURRENT_FILE_INVALID');
      expect(runs()).toBe(afterFirst);
      // A new content is judged again (written by hand, it is drift too).
      writeFileSync(path.join(site.configRoot, 'dhcp-p.conf'), seedFile('dhcp-p'));
      expect((await site.ok<any>(PROBLEMS, { rel: 'campus' })).failoverRelationship.problems.map((p: Problem) => p.code)).toEqual(['DRIFT']);
      expect(runs()).toBe(afterFirst + 1);
    });
    rmSync(counter);
    rmSync(wrapper);
    expect(afterFirst).toBeGreaterThan(0);
  }, 30_000);
});
