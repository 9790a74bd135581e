/**
 * The part of a dhcpd.conf the gateway manages, read from the CST: subnets
 * (at the top, in `shared-network` and in `group`), their pools and ranges,
 * failover peer declarations, and the OMAPI settings. Every node carries the
 * text range it came from, so edits can be made against the original text.
 */
import { cidrOf, parseCidr, parseIpv4, prefixLength } from '../../net/ipv4';
import type { TextRange } from '../text-edit';
import { children, headTokens, isBareBlock, isKeyword, keywordAt, parse, tokenAt, type Cst, type CstBlock, type CstNode, type CstStatement } from './cst';
import { findPoolMarker, wrappedRange } from './disabled-marker';
import { buildPeerModel, readPeerStatements, type FailoverPeerModel } from './failover-peer';
import { TokenKind } from './lexer';
import { LineIndex, type ParseError } from './parse-error';

/** One `range` statement; `end` equals `start` when it names a single address. */
export interface IpRangeModel {
  start: string;
  end: string;
  dynamicBootp: boolean;
  range: TextRange;
}

export interface PoolModel {
  range: TextRange;
  ranges: IpRangeModel[];
  /** The first `failover peer "<name>";` of the pool. */
  failoverPeer: string | null;
  failoverPeerRange: TextRange | null;
  /** Carries the gateway's `deny all clients;` marker. */
  disabled: boolean;
}

export type SubnetParent = 'top' | 'shared-network' | 'group';

export interface SubnetModel {
  /** `address/prefix` of `subnet A netmask M`, e.g. "192.0.2.0/24". */
  network: string;
  address: string;
  netmask: string;
  /** From `subnet` to its closing `}`. */
  range: TextRange;
  pools: PoolModel[];
  /** `range` statements directly in the subnet, including ones the gateway wrapped to disable them. */
  ranges: IpRangeModel[];
  /** The gateway disabled every pool and direct range of the subnet (a subnet with neither is never disabled). */
  disabled: boolean;
  /** The declaration the subnet sits in directly. */
  parent: SubnetParent;
}

export interface ConfigModel {
  text: string;
  cst: Cst;
  errors: ParseError[];
  /** In text order, nested ones where they stand. */
  subnets: SubnetModel[];
  peers: FailoverPeerModel[];
  omapiPort: number | null;
  omapiKey: string | null;
  /** Names of top-level `key NAME { … }` declarations. */
  keys: string[];
  findSubnet(network: string): SubnetModel | undefined;
  findPeer(name: string): FailoverPeerModel | undefined;
}

export function parseConfig(text: string): ConfigModel {
  return buildModel(parse(text));
}

interface Frame {
  nodes: CstNode[];
  index: number;
  parent: SubnetParent;
}

class ModelReader {
  readonly subnets: SubnetModel[] = [];
  readonly peers: FailoverPeerModel[] = [];
  readonly keys: string[] = [];
  readonly errors: ParseError[] = [];
  omapiPort: number | null = null;
  omapiKey: string | null = null;
  private readonly lines: LineIndex;

  constructor(private readonly cst: Cst) {
    this.lines = new LineIndex(cst.text);
  }

  /** Walks the top level and the `shared-network` and `group` blocks, in file order. */
  read(): void {
    const stack: Frame[] = [{ nodes: children(this.cst), index: 0, parent: 'top' }];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      const node = frame.nodes[frame.index++];
      if (node === undefined) {
        stack.pop();
        continue;
      }
      const topLevel = stack.length === 1;
      if (node.kind === 'block') {
        const head = headTokens(this.cst, node);
        switch (keywordAt(this.cst, head[0])) {
          case 'subnet':
            this.readSubnet(node, head, frame.parent);
            break;
          case 'shared-network':
            stack.push({ nodes: children(this.cst, node), index: 0, parent: 'shared-network' });
            break;
          case 'group':
            stack.push({ nodes: children(this.cst, node), index: 0, parent: 'group' });
            break;
          case 'failover':
            this.readPeer(node, head, topLevel);
            break;
          case 'key':
            if (topLevel && head.length === 2) this.keys.push(this.nameAt(head[1]));
            break;
          default:
            break;
        }
      } else if (node.kind === 'statement' && topLevel) {
        this.readGlobalStatement(node);
      }
    }
  }

  private readGlobalStatement(statement: CstStatement): void {
    const head = headTokens(this.cst, statement);
    if (head.length !== 2) return;
    switch (keywordAt(this.cst, head[0])) {
      case 'omapi-port': {
        const port = tokenAt(this.cst, head[1]);
        if (/^\d{1,5}$/.test(port)) this.omapiPort = Number(port);
        break;
      }
      case 'omapi-key':
        this.omapiKey = this.nameAt(head[1]);
        break;
      default:
        break;
    }
  }

  private readSubnet(block: CstBlock, head: number[], parent: SubnetParent): void {
    const address = head.length === 4 ? tokenAt(this.cst, head[1]) : '';
    const netmask = head.length === 4 ? tokenAt(this.cst, head[3]) : '';
    const addressValue = parseIpv4(address);
    const maskValue = parseIpv4(netmask);
    const prefix = maskValue === null ? null : prefixLength(maskValue);
    if (!isKeyword(this.cst, head[2], 'netmask') || addressValue === null || maskValue === null || prefix === null) {
      this.error('invalid-subnet', 'Expected "subnet <address> netmask <contiguous netmask>"', block.start);
      return;
    }
    const pools: PoolModel[] = [];
    const ranges: IpRangeModel[] = [];
    let disabledSources = 0;
    for (const child of children(this.cst, block)) {
      if (child.kind === 'block' && isBareBlock(this.cst, child, 'pool')) {
        const body = children(this.cst, child);
        const wrapped = wrappedRange(this.cst, child, body);
        if (wrapped !== null) {
          this.addRange(ranges, wrapped);
          disabledSources++;
        } else {
          const pool = this.readPool(child, body);
          if (pool.disabled) disabledSources++;
          pools.push(pool);
        }
      } else if (child.kind === 'statement' && isKeyword(this.cst, child.firstToken, 'range')) {
        this.addRange(ranges, child);
      }
    }
    const sources = pools.length + ranges.length;
    this.subnets.push({
      network: cidrOf(addressValue, prefix).text,
      address,
      netmask,
      range: { start: block.start, end: block.end },
      pools: exactCopy(pools),
      ranges: exactCopy(ranges),
      disabled: sources > 0 && disabledSources === sources,
      parent,
    });
  }

  private readPool(block: CstBlock, body: CstNode[]): PoolModel {
    const ranges: IpRangeModel[] = [];
    let failoverPeer: string | null = null;
    let failoverPeerRange: TextRange | null = null;
    for (const child of body) {
      if (child.kind !== 'statement') continue;
      if (isKeyword(this.cst, child.firstToken, 'range')) {
        this.addRange(ranges, child);
      } else if (failoverPeer === null && isKeyword(this.cst, child.firstToken, 'failover')) {
        const head = headTokens(this.cst, child);
        if (head.length === 3 && isKeyword(this.cst, head[1], 'peer')) {
          failoverPeer = this.nameAt(head[2]);
          failoverPeerRange = { start: child.start, end: child.end };
        }
      }
    }
    return {
      range: { start: block.start, end: block.end },
      ranges: exactCopy(ranges),
      failoverPeer,
      failoverPeerRange,
      disabled: findPoolMarker(this.cst, block, body) !== null,
    };
  }

  /** `range [dynamic-bootp] A [B];` */
  private addRange(into: IpRangeModel[], statement: CstStatement): void {
    const head = headTokens(this.cst, statement);
    const dynamicBootp = isKeyword(this.cst, head[1], 'dynamic-bootp');
    const first = dynamicBootp ? 2 : 1;
    const count = head.length - first;
    const start = count >= 1 ? tokenAt(this.cst, head[first]) : '';
    const end = count === 2 ? tokenAt(this.cst, head[first + 1]) : start;
    if (count < 1 || count > 2 || parseIpv4(start) === null || parseIpv4(end) === null) {
      this.error('invalid-range', 'Expected "range [dynamic-bootp] <address> [<address>]"', statement.start);
      return;
    }
    into.push({ start, end, dynamicBootp, range: { start: statement.start, end: statement.end } });
  }

  private readPeer(block: CstBlock, head: number[], topLevel: boolean): void {
    if (head.length !== 3 || !isKeyword(this.cst, head[1], 'peer')) {
      this.error('invalid-failover-peer', 'Expected "failover peer "<name>" { … }"', block.start);
      return;
    }
    const statements = readPeerStatements(this.cst, block).map((s) => s.statement);
    this.peers.push(buildPeerModel(this.nameAt(head[2]), block, topLevel, statements));
  }

  /** A name written as a word or as a quoted string. */
  private nameAt(index: number): string {
    const raw = tokenAt(this.cst, index);
    if (this.cst.tokens.kinds[index] !== TokenKind.String) return raw;
    const inner = raw.slice(1, raw.endsWith('"') && raw.length > 1 ? -1 : undefined);
    return inner.includes('\\') ? inner.replace(/\\(.)/gs, '$1') : inner;
  }

  private error(code: string, message: string, offset: number): void {
    this.errors.push(this.lines.error(code, message, offset));
  }
}

function buildModel(cst: Cst): ConfigModel {
  const reader = new ModelReader(cst);
  reader.read();
  const { subnets, peers } = reader;
  // Built with the model, not at the first lookup: a mutation's first lookup would otherwise wait for it, while
  // the model of the file it wrote is read during that change's dhcpd -t (apply/change-set.ts).
  const subnetIndex = firstByKey(subnets, (subnet) => subnet.network);
  const peerIndex = firstByKey(peers, (peer) => peer.name);
  return {
    text: cst.text,
    cst,
    errors: [...cst.errors, ...reader.errors].sort((a, b) => a.offset - b.offset),
    subnets,
    peers,
    omapiPort: reader.omapiPort,
    omapiKey: reader.omapiKey,
    keys: reader.keys,
    findSubnet(network: string): SubnetModel | undefined {
      const parsed = parseCidr(network);
      if (parsed === null) return undefined;
      return subnetIndex.get(parsed.cidr.text);
    },
    findPeer(name: string): FailoverPeerModel | undefined {
      return peerIndex.get(name);
    },
  };
}

/**
 * Arrays grown by push keep spare capacity (16 slots at first); a model of a
 * 2 MB file holds tens of thousands of short arrays, so they are stored at
 * their exact size, which keeps the garbage collector's copying down.
 */
function exactCopy<T>(items: T[]): T[] {
  return items.length === 0 ? [] : items.slice();
}

function firstByKey<T>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) if (!map.has(key(item))) map.set(key(item), item);
  return map;
}
