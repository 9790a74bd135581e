import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** dhcpd for tests that need the real one; they are skipped (never passed) where it is missing. */
export const DHCPD: string | null =
  [process.env.DHCPD_BIN, '/usr/sbin/dhcpd', '/sbin/dhcpd', '/usr/local/sbin/dhcpd'].find((p): p is string => !!p && existsSync(p)) ?? null;

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
