/**
 * Parsed models of config files, reused while a file is unchanged so a
 * mutation does not re-read and re-parse a 2 MB file. A file counts as
 * unchanged while device, inode, size and mtime stay the same; the atomic
 * writer always creates a new inode, so its writes are never missed. Models
 * are shared between callers and must be treated as read-only.
 */
import { isUtf8 } from 'node:buffer';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LineIndex } from '../dhcpd/parse-error';
import { parseConfig, type ConfigModel } from '../dhcpd/model';
import { isErrno } from './errno';

interface Entry {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  model: ConfigModel;
}

export class ConfigFileCache {
  private readonly entries = new Map<string, Entry>();

  /** The parsed file, or null when it does not exist. */
  async read(filePath: string): Promise<ConfigModel | null> {
    const key = path.resolve(filePath);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(key, 'r');
    } catch (error) {
      if (isErrno(error, 'ENOENT')) {
        this.entries.delete(key);
        return null;
      }
      throw error;
    }
    try {
      // Stat and content come from the same open file, so they describe the same version.
      const { dev, ino, size, mtimeMs } = await handle.stat();
      const cached = this.entries.get(key);
      if (cached?.dev === dev && cached.ino === ino && cached.size === size && cached.mtimeMs === mtimeMs) return cached.model;
      const model = readModel(await handle.readFile());
      this.entries.set(key, { dev, ino, size, mtimeMs, model });
      return model;
    } finally {
      await handle.close();
    }
  }

  invalidate(filePath: string): void {
    this.entries.delete(path.resolve(filePath));
  }
}

/**
 * Text is UTF-8. A file that is not would not survive being decoded and
 * written back byte for byte, so it carries an error the caller can refuse on.
 */
function readModel(content: Buffer): ConfigModel {
  const text = content.toString('utf8');
  const model = parseConfig(text);
  if (!isUtf8(content)) {
    model.errors.unshift(new LineIndex(text).error('invalid-utf8', 'The file is not valid UTF-8; editing it would change bytes', 0));
  }
  return model;
}
