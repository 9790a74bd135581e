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

/** New content written and flushed beside its file, not in place yet. */
export interface StagedReplacement {
  /** Renames it over the file and flushes the folder. */
  swap(): Promise<void>;
  /** Removes it; the file stays as it is. */
  discard(): Promise<void>;
}

/** Replaces the file's content atomically (it keeps its permissions and owner), or with `null` removes it. */
export async function replaceFileAtomic(filePath: string, content: Buffer | null): Promise<void> {
  if (content !== null) return (await stageReplacement(filePath, content)).swap();
  const target = await resolveTarget(filePath);
  await fs.rm(target, { force: true });
  await syncDirectory(path.dirname(target));
}

/**
 * The first half of replaceFileAtomic: the content in a temp file of the file's folder, with the file's
 * permissions and owner, flushed. Nothing reads it until swap() renames it over the file.
 */
export async function stageReplacement(filePath: string, content: Buffer): Promise<StagedReplacement> {
  const target = await resolveTarget(filePath);
  const temp = await writeTemp(target, content, await readMeta(target));
  const discard = () => fs.rm(temp, { force: true });
  return {
    async swap() {
      try {
        await fs.rename(temp, target);
      } catch (error) {
        await discard();
        throw error;
      }
      await syncDirectory(path.dirname(target));
    },
    discard,
  };
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

/** The temp file beside `target`, flushed; it keeps the old file's permissions and, where allowed, its owner. */
async function writeTemp(target: string, data: Buffer, previous: FileMeta | null): Promise<string> {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
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
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  return temp;
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
