/**
 * New declarations as lines of text, in the layout SPEC.md fixes. Lines are
 * relative: the caller adds the indentation of the place they go to, and
 * nested lines carry one `unit` per level. Every value is checked here,
 * before it can reach a file.
 */
import { FAILOVER_BOUNDS } from '../../domain';
import { checkInteger, checkIpv4, checkNetwork, ConfigValueError, quoteString } from './values';

export interface PeerDeclaration {
  name: string;
  role: 'primary' | 'secondary';
  address: string;
  port: number;
  peerAddress: string;
  peerPort: number;
  maxResponseDelay: number;
  maxUnackedUpdates: number;
  loadBalanceMaxSeconds: number;
  /** Primary only. */
  mclt?: number;
  /** Primary only. */
  split?: number;
}

export interface PoolSpec {
  ranges: { start: string; end: string }[];
  failoverPeer?: string | null;
  /** Further statements as source text (ScopeStatement.source), written after the peer statement. */
  statements?: string[];
}

export interface SubnetSpec {
  /** CIDR, e.g. "192.0.2.0/24". */
  network: string;
  /** The subnet's own statements as source text (ScopeStatement.source), written before its pools. */
  statements?: string[];
  pools: PoolSpec[];
}

/** One statement of a peer declaration: `keyword value;`, or `keyword;` when value is null. */
export interface PeerLine {
  keyword: string;
  value: string | null;
}


/** The statements of a peer declaration in SPEC.md's order; mclt and split only when given (primary). */
export function peerLines(decl: PeerDeclaration): PeerLine[] {
  if (decl.role !== 'primary' && decl.role !== 'secondary') {
    throw new ConfigValueError(`Failover role must be primary or secondary, got ${JSON.stringify(decl.role)}`);
  }
  if (decl.role === 'secondary' && (decl.mclt !== undefined || decl.split !== undefined)) {
    throw new ConfigValueError('mclt and split are primary-only: dhcpd refuses them on a secondary');
  }
  quoteString(decl.name);
  const lines: PeerLine[] = [
    { keyword: decl.role, value: null },
    { keyword: 'address', value: checkIpv4(decl.address, 'Failover address') },
    { keyword: 'port', value: checkInteger(decl.port, ...FAILOVER_BOUNDS.port, 'Failover port') },
    { keyword: 'peer address', value: checkIpv4(decl.peerAddress, 'Failover peer address') },
    { keyword: 'peer port', value: checkInteger(decl.peerPort, ...FAILOVER_BOUNDS.port, 'Failover peer port') },
    { keyword: 'max-response-delay', value: checkInteger(decl.maxResponseDelay, ...FAILOVER_BOUNDS.maxResponseDelay, 'max-response-delay') },
    { keyword: 'max-unacked-updates', value: checkInteger(decl.maxUnackedUpdates, ...FAILOVER_BOUNDS.maxUnackedUpdates, 'max-unacked-updates') },
  ];
  if (decl.mclt !== undefined) lines.push({ keyword: 'mclt', value: checkInteger(decl.mclt, ...FAILOVER_BOUNDS.mclt, 'mclt') });
  if (decl.split !== undefined) lines.push({ keyword: 'split', value: checkInteger(decl.split, 0, 256, 'split') });
  lines.push({
    keyword: 'load balance max seconds',
    value: checkInteger(decl.loadBalanceMaxSeconds, ...FAILOVER_BOUNDS.loadBalanceMaxSeconds, 'load balance max seconds'),
  });
  return lines;
}

export function peerStatementText(line: PeerLine): string {
  return line.value === null ? `${line.keyword};` : `${line.keyword} ${line.value};`;
}

export function renderPeer(decl: PeerDeclaration, unit: string): string[] {
  return [
    `failover peer ${quoteString(decl.name)} {`,
    ...peerLines(decl).map((line) => unit + peerStatementText(line)),
    '}',
  ];
}

export function failoverPeerStatement(name: string): string {
  return `failover peer ${quoteString(name)};`;
}

export function renderPool(spec: PoolSpec, unit: string): string[] {
  const body: string[] = [];
  if (spec.failoverPeer !== undefined && spec.failoverPeer !== null) body.push(failoverPeerStatement(spec.failoverPeer));
  body.push(...statementLines(spec.statements ?? []));
  for (const range of spec.ranges) {
    body.push(`range ${checkIpv4(range.start, 'Range start')} ${checkIpv4(range.end, 'Range end')};`);
  }
  return ['pool {', ...body.map((line) => unit + line), '}'];
}

export function renderSubnet(spec: SubnetSpec, unit: string): string[] {
  const { address, netmask } = checkNetwork(spec.network);
  const body = [...statementLines(spec.statements ?? []), ...spec.pools.flatMap((pool) => renderPool(pool, unit))];
  return [`subnet ${address} netmask ${netmask} {`, ...body.map((line) => unit + line), '}'];
}

/**
 * Statements copied from a parsed file, one line each (continuation lines
 * keep their relative indentation). They come from text the parser read as
 * single statements, so each is checked to still be one: no braces, and a
 * `;` only at its end.
 */
export function statementLines(statements: readonly string[]): string[] {
  return statements.flatMap((statement) => {
    if (!/^[^{};]*;$/.test(statement.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/#[^\n]*/g, ''))) {
      throw new ConfigValueError(`Not a single statement: ${JSON.stringify(statement.slice(0, 80))}`);
    }
    return statement.split('\n');
  });
}
