import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * The shared corpus of public dhcpd.conf files, checked out beside the repository (CI has it). A fresh
 * clone has nothing beside it: suites over the corpus are then reported as skipped, saying why, and the
 * project's own fixtures (test/fixtures/dhcpd) cover the same shapes.
 */
export const CORPUS = path.resolve(__dirname, '../../../shared/corpus');
export const CORPUS_PRESENT = existsSync(CORPUS);
const ABSENT = '../shared/corpus absent: skipped; the project fixtures cover its shapes';

/** `describe` over the corpus, or `describe.skip` with the reason in its name when it is absent. */
export function describeCorpus(name: string, fn: () => void): void {
  if (CORPUS_PRESENT) describe(name, fn);
  else describe.skip(`${name} (${ABSENT})`, fn);
}

/** The `.conf` files of a folder, sorted. */
export function confFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.conf'))
    .sort();
}
