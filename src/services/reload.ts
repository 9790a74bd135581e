import { execFile } from 'node:child_process';
import type { ServerHooks } from '../config';

/** Runs the operator's reload command for a server: argv without a shell, bounded by a timeout. */
export function runReloadHook(hooks: ServerHooks): Promise<void> {
  const argv = hooks.reload;
  if (!argv) return Promise.resolve();
  return new Promise((resolve, reject) => {
    execFile(argv[0], argv.slice(1), { timeout: hooks.reloadTimeoutSeconds * 1000, shell: false }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const why = error.killed ? `timed out after ${hooks.reloadTimeoutSeconds}s` : `exited with ${error.code ?? error.signal}`;
      reject(new Error(`reload hook ${why}${stderr.trim() ? `: ${stderr.trim().slice(0, 500)}` : ''}`));
    });
  });
}
