/**
 * Round trip and model counts over real files: the shared corpus of public
 * dhcpd.conf files and this project's own fixtures. The expected counts were
 * made by hand (grep and reading each file), not by running the parser.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse, parseConfig, stringify } from '../../../src/config-sync';
import { expectDhcpdAccepts, itDhcpd } from './support';

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');
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
};

function confFiles(dir: string): string[] {
  if (!existsSync(dir)) throw new Error(`Missing ${dir}: the shared corpus must be checked out beside the repository`);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.conf'))
    .sort();
}

function countsOf(text: string): Counts {
  const model = parseConfig(text);
  return {
    subnets: model.subnets.length,
    pools: model.subnets.reduce((sum, subnet) => sum + subnet.pools.length, 0),
    ranges: model.subnets.reduce((sum, subnet) => sum + subnet.ranges.length + subnet.pools.reduce((n, pool) => n + pool.ranges.length, 0), 0),
    peers: model.peers.map((peer) => peer.name),
  };
}

describe('the shared corpus', () => {
  const files = confFiles(CORPUS);

  it('has a hand count for every file and a file for every hand count', () => {
    expect(files).toEqual(Object.keys(CORPUS_COUNTS).sort());
  });

  describe.each(files)('%s', (name) => {
    const bytes = readFileSync(path.join(CORPUS, name));
    const text = bytes.toString('utf8');

    it('round-trips byte for byte', () => {
      expect(Buffer.from(stringify(parse(text)), 'utf8').equals(bytes)).toBe(true);
    });

    it('parses without errors and finds every subnet, pool, range and peer', () => {
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
      itDhcpd('is accepted by dhcpd -t', async () => {
        expect(parseConfig(text).errors).toEqual([]);
        await expectDhcpdAccepts(text);
      });
    }
  });

  it('keeps CRLF and the missing final line break of the CRLF fixture on disk', () => {
    const bytes = readFileSync(path.join(FIXTURES, 'crlf-no-final-eol.conf'));
    expect(bytes.includes('\r\n')).toBe(true);
    expect(bytes[bytes.length - 1]).not.toBe(0x0a);
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
