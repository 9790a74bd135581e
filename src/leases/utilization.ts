import type { UtilizationThresholds } from '../config';
import type { IpRange } from '../domain';
import { parseIpv4 } from '../net/ipv4';
import { Category, lowerBound, type LeaseTable } from './table';

export enum UtilizationLevel {
  OK = 'OK',
  WARNING = 'WARNING',
  CRITICAL = 'CRITICAL',
}

export interface AddressCounts {
  size: number;
  active: number;
  /** free, released or reset, and every address without a record */
  free: number;
  backup: number;
  expired: number;
  abandoned: number;
}

export interface Utilization extends AddressCounts {
  /** active / size × 100; 0 for an empty pool */
  percent: number;
  readAt: Date;
  level: UtilizationLevel;
}

/** An inclusive span of addresses as unsigned 32-bit numbers. */
export interface Span {
  first: number;
  last: number;
}

/**
 * The addresses of some ranges as disjoint spans, ascending: a pool's ranges, a scope's pools, or the same pool
 * on both partners, each address counted once. Ranges the database holds are valid; one that is not is skipped.
 */
export function spansOf(ranges: readonly IpRange[]): Span[] {
  const spans: Span[] = [];
  for (const r of ranges) {
    const first = parseIpv4(r.start), last = parseIpv4(r.end);
    if (first !== null && last !== null && first <= last) spans.push({ first, last });
  }
  spans.sort((a, b) => a.first - b.first);
  const merged: Span[] = [];
  for (const s of spans) {
    const top = merged[merged.length - 1];
    if (top && s.first <= top.last + 1) top.last = Math.max(top.last, s.last);
    else merged.push({ ...s });
  }
  return merged;
}

/** The counts of `spans` (disjoint) from a lease table: two binary searches and the records inside, per span. */
export function countAddresses(table: LeaseTable, spans: readonly Span[]): AddressCounts {
  const byCategory = [0, 0, 0, 0, 0];
  let size = 0;
  for (const { first, last } of spans) {
    size += last - first + 1;
    for (let k = lowerBound(table.ips, first); k < table.ips.length && table.ips[k] <= last; k++) byCategory[table.categories[k]]++;
  }
  const recorded = byCategory[Category.ACTIVE] + byCategory[Category.BACKUP] + byCategory[Category.EXPIRED] + byCategory[Category.ABANDONED];
  return {
    size,
    active: byCategory[Category.ACTIVE],
    free: size - recorded,
    backup: byCategory[Category.BACKUP],
    expired: byCategory[Category.EXPIRED],
    abandoned: byCategory[Category.ABANDONED],
  };
}

export function utilizationOf(counts: AddressCounts, readAt: Date, thresholds: UtilizationThresholds): Utilization {
  const percent = counts.size === 0 ? 0 : (counts.active / counts.size) * 100;
  const level = percent >= thresholds.criticalPercent ? UtilizationLevel.CRITICAL : percent >= thresholds.warningPercent ? UtilizationLevel.WARNING : UtilizationLevel.OK;
  return { ...counts, percent, readAt, level };
}
