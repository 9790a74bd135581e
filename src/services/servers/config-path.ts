import { lstatSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { BadUserInputError, ForbiddenError } from '../../errors';

/**
 * Resolves a server's configPath (absolute, or relative to CONFIG_ROOT) and confines it to CONFIG_ROOT:
 * no `..` out of it, no symlink that leads out of it, nothing but a regular file (or a file yet to be created).
 */
export function resolveConfigPath(configRoot: string, value: string): string {
  checkPathText(value);
  const root = realRoot(configRoot);
  const resolved = path.resolve(root, value);
  if (!isInside(root, resolved)) throw outside();
  // Follow symlinks on the longest existing prefix: a link inside the root may point elsewhere.
  // lstat, so a dangling link is found here rather than walked past (it would lead wherever its target appears).
  let existing = resolved;
  while (!exists(existing)) existing = path.dirname(existing);
  let real: string;
  try {
    real = realpathSync(existing);
  } catch {
    throw new BadUserInputError('configPath leads through a symbolic link to nothing', 'configPath');
  }
  if (!isInside(root, real) && real !== root) throw outside();
  if (existing === resolved) {
    if (!statSync(real).isFile()) throw new BadUserInputError('configPath must name a regular file', 'configPath');
  } else if (!statSync(real).isDirectory()) {
    throw new BadUserInputError('configPath lies below something that is not a directory', 'configPath');
  }
  return resolved;
}

/**
 * An SSH server's configPath (absolute, or relative to its remoteRoot), confined to remoteRoot on the server's
 * machine: `..` is resolved before the check. Symlinks there are followed when the file is replaced.
 */
export function resolveRemoteConfigPath(remoteRoot: string, value: string): string {
  checkPathText(value);
  const root = path.posix.resolve('/', remoteRoot);
  const resolved = path.posix.resolve(root, value);
  const rel = path.posix.relative(root, resolved);
  if (rel === '' || rel.startsWith('..')) throw new ForbiddenError(`configPath must lie under the server's remoteRoot (${root})`);
  return resolved;
}

function checkPathText(value: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 4096 || /[\u0000-\u001f]/.test(value)) {
    throw new BadUserInputError('configPath must be a non-empty file path without control characters', 'configPath');
  }
}

/**
 * The path with every symlink resolved on the part of it that exists (the rest as given): two paths naming
 * one file, an alias of another server's file say, give the same.
 */
export function realPath(p: string): string {
  let existing = p;
  while (!exists(existing)) existing = path.dirname(existing);
  try {
    return path.join(realpathSync(existing), path.relative(existing, p));
  } catch {
    return p;
  }
}

function realRoot(configRoot: string): string {
  try {
    return realpathSync(configRoot);
  } catch {
    return path.resolve(configRoot);
  }
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function outside(): ForbiddenError {
  return new ForbiddenError('configPath must lie under the gateway\'s CONFIG_ROOT');
}
