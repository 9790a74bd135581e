/**
 * Replacing a config file so that a crash leaves either the old or the new
 * file, never a mix: the new content goes to a temporary file in the same
 * directory, is flushed, renamed over the original, and the directory is
 * flushed so the rename itself survives a power loss. A symlinked config is
 * followed, so the file it points to is replaced and the link stays.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isErrno } from './errno';

/** Permissions and owner the replacement file takes over. */
interface FileMeta {
  mode: number;
  uid: number;
  gid: number;
}

/** Replaces the file's content atomically (it keeps its permissions and owner), or with `null` removes it. */
export async function replaceFileAtomic(filePath: string, content: Buffer | null): Promise<void> {
  const target = await resolveTarget(filePath);
  if (content === null) {
    await fs.rm(target, { force: true });
    await syncDirectory(path.dirname(target));
    return;
  }
  await replaceFile(target, content, await readMeta(target));
}

async function resolveTarget(filePath: string): Promise<string> {
  try {
    return await fs.realpath(filePath);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return path.resolve(filePath);
    throw error;
  }
}

async function readMeta(target: string): Promise<FileMeta | null> {
  try {
    const stat = await fs.stat(target);
    if (!stat.isFile()) throw Object.assign(new Error(`${target} is not a regular file`), { code: 'EISDIR' });
    return { mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid };
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    throw error;
  }
}

/** The new file keeps the old one's permissions and, where allowed, its owner. */
async function replaceFile(target: string, data: Buffer, previous: FileMeta | null): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(temp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(data);
      await handle.chmod(previous?.mode ?? 0o644);
      if (previous !== null) await handle.chown(previous.uid, previous.gid).catch(ignoreErrno('EPERM'));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

/** Some filesystems cannot fsync a directory; the rename has happened either way. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync().catch(ignoreErrno('EINVAL', 'ENOTSUP', 'EISDIR'));
  } finally {
    await handle.close();
  }
}

function ignoreErrno(...codes: string[]): (error: unknown) => void {
  return (error) => {
    if (!codes.some((code) => isErrno(error, code))) throw error;
  };
}
