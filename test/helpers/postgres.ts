import { execFileSync } from 'node:child_process';
import { createPostgresDatabase } from '../../bench/postgres-database';

/** The machine's PostgreSQL (trust auth); tests on it are skipped, never passed, where it does not answer. */
export const PG_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function probe(): boolean {
  const script = `const { Client } = require('pg'); const c = new Client({ connectionString: ${JSON.stringify(PG_ADMIN_URL)}, connectionTimeoutMillis: 2000 });
    c.connect().then(() => c.end()).then(() => process.exit(0), () => process.exit(1));`;
  try {
    execFileSync(process.execPath, ['-e', script], { stdio: 'ignore', timeout: 5000, cwd: __dirname });
    return true;
  } catch {
    return false;
  }
}

export const POSTGRES_AVAILABLE = probe();

/** The embedded default and PostgreSQL, for tests that run on both, with whether each is here. */
export const DATABASES = [
  ['SQLite', true],
  ['PostgreSQL', POSTGRES_AVAILABLE],
] as const;
export type DatabaseName = (typeof DATABASES)[number][0];

/** A fresh database per test file, dropped afterwards, so runs never see each other's rows. */
export function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  return createPostgresDatabase(PG_ADMIN_URL, 'gw_test');
}
