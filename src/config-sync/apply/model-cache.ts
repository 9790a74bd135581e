/**
 * Parsed models of config files, reused while a file's bytes are unchanged, so a mutation does not
 * re-parse a 2 MB file it has parsed before. Keyed by path and SHA-256 of the content, so it works the
 * same whatever transport brought the bytes. Models are shared and must be treated as read-only.
 */
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { LineIndex } from '../dhcpd/parse-error';
import { parseConfig, type ConfigModel } from '../dhcpd/model';

export const sha256 = (content: Buffer | string): string => createHash('sha256').update(content).digest('hex');

export class ModelCache {
  private readonly entries = new Map<string, { hash: string; model: ConfigModel }>();

  /** The model of `content`, the bytes of the file at `path`. */
  model(path: string, content: Buffer, hash = sha256(content)): ConfigModel {
    const cached = this.entries.get(path);
    if (cached?.hash === hash) return cached.model;
    const model = readModel(content);
    this.entries.set(path, { hash, model });
    return model;
  }

  /**
   * `bytes` (SHA-256 `hash`) were just written to `path`, and `model` was read from the text they encode: the
   * next read of the file finds it instead of parsing 2 MB again.
   */
  remember(path: string, bytes: Buffer, hash: string, model: ConfigModel): void {
    // A text with a lone surrogate is written as U+FFFD and would read back as another text (and hash).
    if (bytes.toString('utf8') !== model.text) return;
    this.entries.set(path, { hash, model });
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
