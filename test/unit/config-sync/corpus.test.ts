/**
 * Round trip and model counts over real files: the shared corpus of public
 * dhcpd.conf files and this project's own fixtures. The expected counts were
 * made by hand (grep and reading each file), not by running the parser.
 */
import { DHCPD, itWithDhcpd } from '../../helpers/dhcpd';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import * as path from 'node:path';
import { parse, parseConfig, stringify, validateConfig } from '../../../src/config-sync';
import { confFiles, CORPUS, CORPUS_PRESENT, describeCorpus } from '../../helpers/corpus';
import { expectDhcpdAccepts } from './support';

const FIXTURES = path.resolve(__dirname, '../../fixtures/dhcpd');

interface Counts {
  subnets: number;
  pools: number;
  /** Every `range`, in pools and directly in subnets. */
  ranges: number;
  peers: string[];
}

const CORPUS_COUNTS: Record<string, Counts> = {
  '01-wikimedia-install-server.conf': { subnets: 56, pools: 0, ranges: 1, peers: [] },
  '02-fedora-infra-noc01.conf': { subnets: 16, pools: 0, ranges: 16, peers: [] },
  '03-gathering-tg19-ddns.conf': { subnets: 1, pools: 0, ranges: 1, peers: [] },
  '04-emfcamp-failover-primary.conf': { subnets: 1, pools: 0, ranges: 0, peers: ['failover-partner'] },
  '05-brehm-failover-secondary.conf': { subnets: 0, pools: 0, ranges: 0, peers: ['dhcp-failover'] },
  '06-failover-primary-omapi.conf': { subnets: 1, pools: 1, ranges: 1, peers: ['failover'] },
  '07-failover-secondary-noeol.conf': { subnets: 0, pools: 0, ranges: 0, peers: ['dhcp.example.net'] },
  '08-gemeinschaft-voip-phones.conf': { subnets: 1, pools: 2, ranges: 2, peers: [] },
  '09-ddns-key-zone.conf': { subnets: 3, pools: 1, ranges: 1, peers: [] },
  '10-nmsprime-docsis-classes.conf': { subnets: 0, pools: 0, ranges: 0, peers: [] },
  '11-nmsprime-log-events.conf': { subnets: 0, pools: 0, ranges: 0, peers: [] },
  '12-iosxr-ztp-record-option.conf': { subnets: 1, pools: 1, ranges: 1, peers: [] },
  '13-sunet-cnaas-ztp.conf': { subnets: 3, pools: 2, ranges: 2, peers: [] },
  '14-prologin-ipxe-shared-network.conf': { subnets: 3, pools: 0, ranges: 1, peers: [] },
  '15-crlf-debian-sample.conf': { subnets: 1, pools: 0, ranges: 1, peers: [] },
  '16-isc-keama-subclass.conf': { subnets: 0, pools: 0, ranges: 0, peers: [] },
};

const FIXTURE_COUNTS: Record<string, Counts & { dhcpdAccepts: boolean }> = {
  'all-constructs.conf': { subnets: 1, pools: 2, ranges: 4, peers: [], dhcpdAccepts: true },
  'shared-network-group.conf': { subnets: 4, pools: 3, ranges: 5, peers: ['edge'], dhcpdAccepts: true },
  'crlf-no-final-eol.conf': { subnets: 1, pools: 1, ranges: 1, peers: [], dhcpdAccepts: true },
  'disabled-scope.conf': { subnets: 2, pools: 2, ranges: 3, peers: [], dhcpdAccepts: true },
  'malformed.conf': { subnets: 2, pools: 1, ranges: 2, peers: [], dhcpdAccepts: false },
  'include-secondary-noeol.conf': { subnets: 1, pools: 1, ranges: 1, peers: ['lab'], dhcpdAccepts: true },
  'included-voice.conf': { subnets: 1, pools: 2, ranges: 2, peers: [], dhcpdAccepts: true },
  'include-primary.conf': { subnets: 0, pools: 0, ranges: 0, peers: [], dhcpdAccepts: true },
  'included-office.conf': { subnets: 1, pools: 1, ranges: 1, peers: [], dhcpdAccepts: true },
  'include-secondary.conf': { subnets: 0, pools: 0, ranges: 0, peers: [], dhcpdAccepts: true },
  'included-office-copy.conf': { subnets: 1, pools: 1, ranges: 1, peers: [], dhcpdAccepts: true },
};

function countsOf(text: string): Counts {
  const model = parseConfig(text);
  return {
    subnets: model.subnets.length,
    pools: model.subnets.reduce((sum, subnet) => sum + subnet.pools.length, 0),
    ranges: model.subnets.reduce((sum, subnet) => sum + subnet.ranges.length + subnet.pools.reduce((n, pool) => n + pool.ranges.length, 0), 0),
    peers: model.peers.map((peer) => peer.name),
  };
}

describeCorpus('the shared corpus', () => {
  // Without the corpus the hand counts name the (skipped) tests; nothing is read while they are declared.
  const files = CORPUS_PRESENT ? confFiles(CORPUS) : Object.keys(CORPUS_COUNTS).sort();

  it('has a hand count for every file and a file for every hand count', () => {
    expect(files).toEqual(Object.keys(CORPUS_COUNTS).sort());
  });

  describe.each(files)('%s', (name) => {
    const bytes = () => readFileSync(path.join(CORPUS, name));

    it('round-trips byte for byte', () => {
      expect(Buffer.from(stringify(parse(bytes().toString('utf8'))), 'utf8').equals(bytes())).toBe(true);
    });

    it('parses without errors and finds every subnet, pool, range and peer', () => {
      const text = bytes().toString('utf8');
      expect(parseConfig(text).errors).toEqual([]);
      expect(countsOf(text)).toEqual(CORPUS_COUNTS[name]);
    });
  });

  it('reads the failover peers with their values', () => {
    const primary = parseConfig(readFileSync(path.join(CORPUS, '04-emfcamp-failover-primary.conf'), 'utf8')).peers[0];
    expect(primary).toMatchObject({
      role: 'primary',
      address: '78.158.87.11',
      port: 519,
      peerAddress: '78.158.87.12',
      peerPort: 520,
      maxResponseDelay: 60,
      maxUnackedUpdates: 10,
      mclt: 3600,
      split: 128,
      loadBalanceMaxSeconds: 3,
      topLevel: true,
    });
    const secondary = parseConfig(readFileSync(path.join(CORPUS, '05-brehm-failover-secondary.conf'), 'utf8')).peers[0];
    expect(secondary).toMatchObject({ role: 'secondary', address: '10.0.65.103', port: 647, peerAddress: '10.0.65.102', peerPort: 647, maxResponseDelay: 30, mclt: null, split: null });
  });

  it('reads the OMAPI settings and the key declaration', () => {
    for (const name of ['06-failover-primary-omapi.conf', '07-failover-secondary-noeol.conf']) {
      const model = parseConfig(readFileSync(path.join(CORPUS, name), 'utf8'));
      expect(model).toMatchObject({ omapiPort: 7911, omapiKey: 'omapi_key', keys: ['omapi_key'] });
    }
  });

  it('reads the pool peer reference and the shared-network parent', () => {
    const omapi = parseConfig(readFileSync(path.join(CORPUS, '06-failover-primary-omapi.conf'), 'utf8'));
    expect(omapi.subnets[0].pools[0].failoverPeer).toBe('failover');
    const shared = parseConfig(readFileSync(path.join(CORPUS, '14-prologin-ipxe-shared-network.conf'), 'utf8'));
    expect(shared.subnets.map((subnet) => subnet.parent)).toEqual(['shared-network', 'shared-network', 'shared-network']);
  });
});

describe('the project fixtures', () => {
  const files = confFiles(FIXTURES);
  // dhcpd resolves a relative include from its working directory: validate beside a copy of the fixtures.
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gw-fixtures-'));
    cpSync(FIXTURES, dir, { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has a hand count for every fixture and a fixture for every hand count', () => {
    expect(files).toEqual(Object.keys(FIXTURE_COUNTS).sort());
  });

  describe.each(files)('%s', (name) => {
    const bytes = readFileSync(path.join(FIXTURES, name));
    const text = bytes.toString('utf8');
    const { dhcpdAccepts, ...counts } = FIXTURE_COUNTS[name];

    it('round-trips byte for byte', () => {
      expect(Buffer.from(stringify(parse(text)), 'utf8').equals(bytes)).toBe(true);
    });

    it('finds every subnet, pool, range and peer', () => {
      expect(countsOf(text)).toEqual(counts);
    });

    if (dhcpdAccepts) {
      itWithDhcpd('is accepted by dhcpd -t', async () => {
        expect(parseConfig(text).errors).toEqual([]);
        await expectDhcpdAccepts(text, dir);
      });
    }
  });

  it('keeps CRLF and the missing final line break of the CRLF fixture on disk', () => {
    const bytes = readFileSync(path.join(FIXTURES, 'crlf-no-final-eol.conf'));
    expect(bytes.includes('\r\n')).toBe(true);
    expect(bytes[bytes.length - 1]).not.toBe(0x0a);
  });

  it('keeps the missing final line break of an LF file', () => {
    const bytes = readFileSync(path.join(FIXTURES, 'include-secondary-noeol.conf'));
    expect(bytes.includes('\r')).toBe(false);
    expect(bytes.subarray(-2).toString()).toBe('";');
  });

  itWithDhcpd('needs the included file: dhcpd -t refuses the including fixture without it', async () => {
    const text = readFileSync(path.join(FIXTURES, 'include-secondary-noeol.conf'), 'utf8');
    const alone = mkdtempSync(path.join(os.tmpdir(), 'gw-fixtures-'));
    try {
      await expect(validateConfig(DHCPD!, text, alone)).resolves.toMatchObject({ ok: false });
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });

  it('reads the failover peers with their values', () => {
    const primary = parseConfig(readFileSync(path.join(FIXTURES, 'shared-network-group.conf'), 'utf8')).peers[0];
    expect(primary).toMatchObject({
      role: 'primary',
      address: '10.0.0.1',
      port: 647,
      peerAddress: '10.0.0.2',
      peerPort: 647,
      maxResponseDelay: 60,
      maxUnackedUpdates: 10,
      mclt: 3600,
      split: 128,
      loadBalanceMaxSeconds: 3,
      topLevel: true,
    });
    const secondary = parseConfig(readFileSync(path.join(FIXTURES, 'include-secondary-noeol.conf'), 'utf8')).peers[0];
    expect(secondary).toMatchObject({ role: 'secondary', address: '198.18.0.2', port: 647, peerAddress: '198.18.0.1', peerPort: 647, maxResponseDelay: 60, mclt: null, split: null });
  });

  it('reads the OMAPI settings, the key declaration and the pool peer reference', () => {
    const model = parseConfig(readFileSync(path.join(FIXTURES, 'include-secondary-noeol.conf'), 'utf8'));
    expect(model).toMatchObject({ omapiPort: 7911, omapiKey: 'omapi_key', keys: ['omapi_key'] });
    expect(model.subnets[0].pools[0].failoverPeer).toBe('lab');
  });

  it('reads the shared-network and group parents', () => {
    const model = parseConfig(readFileSync(path.join(FIXTURES, 'shared-network-group.conf'), 'utf8'));
    expect(model.subnets.map((subnet) => subnet.parent)).toEqual(['shared-network', 'shared-network', 'group', 'top']);
  });

  it('reports every problem of the malformed fixture with its line', () => {
    const model = parseConfig(readFileSync(path.join(FIXTURES, 'malformed.conf'), 'utf8'));
    expect(model.errors.map((error) => [error.code, error.line])).toEqual([
      ['missing-semicolon', 3],
      ['unexpected-close-brace', 5],
      ['unclosed-block', 6],
      ['unclosed-block', 7],
      ['unterminated-string', 9],
      ['missing-semicolon', 10],
    ]);
  });
});
