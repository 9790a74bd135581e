/**
 * Validation of a candidate config by the real `dhcpd -t`. The service finds
 * dhcpd once, at start-up (findDhcpd), and passes its path down. The candidate
 * is written to a temporary file (beside the live file when its directory is
 * given, and dhcpd runs there, so relative `include`s resolve the same way),
 * checked, and always deleted.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stageTree } from './config-tree';
import { readDhcpdOutput, readTreeOutput } from './dhcpd-output';

export interface ValidationResult {
  ok: boolean;
  /** One entry per problem, `line N: <message> (at: <text of line N>)` for lines of the candidate. */
  messages: string[];
  /** Everything dhcpd printed, with the temporary path replaced. */
  output: string;
}

export class DhcpdNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DhcpdNotFoundError';
  }
}

/** dhcpd lives in sbin, which a service's PATH often lacks. */
const SBIN_DIRECTORIES = ['/usr/sbin', '/sbin'];
const DHCPD_TIMEOUT_MS = 60_000;

/** Where to look: an explicit path as given, or a bare name through PATH and then the sbin directories. */
function candidates(bin?: string): string[] {
  const wanted = bin !== undefined && bin !== '' ? bin : 'dhcpd';
  if (wanted.includes('/')) return [path.resolve(wanted)];
  const directories = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  return [...directories, ...SBIN_DIRECTORIES].map((dir) => path.join(dir, wanted));
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The dhcpd binary to use: `bin` (DHCPD_BIN, from the settings), else `dhcpd` on the PATH or in /usr/sbin, /sbin. */
export function findDhcpd(bin?: string): string | null {
  return candidates(bin).find(isExecutableFile) ?? null;
}

/** `dhcpd -t` on `text`, run in `dir` (default: the system's temporary folder) with the candidate there. */
export async function validateConfig(dhcpd: string, text: string, dir: string = os.tmpdir()): Promise<ValidationResult> {
  const tempPath = path.join(dir, `.dhcpd-candidate-${process.pid}-${randomBytes(6).toString('hex')}.conf`);
  const handle = await fs.open(tempPath, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(text, 'utf8');
    } finally {
      await handle.close();
    }
    const run = await runDhcpd(dhcpd, ['-t', '-4', '-cf', tempPath], dir);
    const report = readDhcpdOutput(run.output, tempPath, text);
    if (run.timedOut) report.messages.push(`dhcpd -t did not finish within ${DHCPD_TIMEOUT_MS / 1000} s`);
    return { ok: run.exitCode === 0 && !run.timedOut, ...report };
  } finally {
    await fs.rm(tempPath, { force: true });
  }
}

/**
 * `dhcpd -t` on a server's candidate tree (`texts`: path → text, the main file `main` first): staged in a
 * private folder (mkdtemp, mode 0700) with its includes pointing at the staged copies, run in the main
 * file's folder, and the folder removed afterwards whatever happened. `started` is called once dhcpd runs.
 */
export async function validateTree(dhcpd: string, main: string, texts: ReadonlyMap<string, string>, started?: () => void): Promise<ValidationResult> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dhcpd-candidate-'));
  try {
    const staged = stageTree(dir, main, texts);
    for (const f of staged) await fs.writeFile(f.path, f.text, { encoding: 'utf8', mode: 0o600, flag: 'wx' });
    const run = await runDhcpd(dhcpd, ['-t', '-4', '-cf', staged[0].path], path.dirname(main), started);
    const report = readTreeOutput(run.output, staged.map((f, i) => ({ temp: f.path, real: i === 0 ? null : f.real, text: texts.get(f.real)! })));
    if (run.timedOut) report.messages.push(`dhcpd -t did not finish within ${DHCPD_TIMEOUT_MS / 1000} s`);
    return { ok: run.exitCode === 0 && !run.timedOut, ...report };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

interface DhcpdRun {
  exitCode: number | null;
  output: string;
  timedOut: boolean;
}

/** Runs dhcpd with stdout and stderr gathered into one text, in the order they arrive. */
function runDhcpd(dhcpd: string, args: string[], cwd: string | undefined, started?: () => void): Promise<DhcpdRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(dhcpd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.once('spawn', () => started?.());
    const chunks: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, DHCPD_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' || error.code === 'EACCES' ? new DhcpdNotFoundError(`dhcpd could not be started: ${error.message}`) : error);
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, output: Buffer.concat(chunks).toString('utf8'), timedOut });
    });
  });
}
