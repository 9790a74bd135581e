import { execFileSync } from 'node:child_process';
import { findDhcpd } from '../../src/config-sync';
import type { Site } from './site';

/** dhcpd for tests that need the real one, found as the gateway finds it; they are skipped (never passed) where it is missing. */
export const DHCPD: string | null = findDhcpd(process.env.DHCPD_BIN);

export const itWithDhcpd = DHCPD ? it : it.skip;
export const describeWithDhcpd = DHCPD ? describe : describe.skip;

/** Runs `dhcpd -t` on a real file; returns null when it passes, else dhcpd's output. */
export function dhcpdCheck(file: string): string | null {
  try {
    execFileSync(DHCPD!, ['-t', '-4', '-cf', file], { stdio: 'pipe' });
    return null;
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer };
    return `${err.stdout ?? ''}${err.stderr ?? ''}`;
  }
}

/** Each named server's file of the site passes `dhcpd -t`. */
export function expectPassesDhcpd(site: Site, ...names: string[]): void {
  for (const name of names) expect(dhcpdCheck(site.path(name))).toBeNull();
}
