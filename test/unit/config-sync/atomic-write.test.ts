import { promises as fsPromises } from 'node:fs';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { replaceFileAtomic } from '../../../src/config-sync';
import { stageReplacement } from '../../../src/config-sync/apply/atomic-write';

const write = (file: string, text: string) => replaceFileAtomic(file, Buffer.from(text));

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'atomic-write-test-'));
});

afterEach(() => {
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('replaceFileAtomic', () => {
  it('replaces a file keeping its mode, and puts the previous bytes back exactly', async () => {
    const file = path.join(dir, 'dhcpd.conf');
    const original = Buffer.from('# latin-1 byte: \xe9\r\nauthoritative;', 'latin1');
    writeFileSync(file, original);
    chmodSync(file, 0o640);
    await write(file, 'subnet 10.0.0.0 netmask 255.0.0.0 { }\n');
    expect(readFileSync(file, 'utf8')).toBe('subnet 10.0.0.0 netmask 255.0.0.0 { }\n');
    expect(statSync(file).mode & 0o777).toBe(0o640);
    await replaceFileAtomic(file, original);
    expect(readFileSync(file).equals(original)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['dhcpd.conf']);
  });

  it('creates a file that did not exist, and null deletes it', async () => {
    const file = path.join(dir, 'new.conf');
    await write(file, 'authoritative;\n');
    expect(readFileSync(file, 'utf8')).toBe('authoritative;\n');
    await replaceFileAtomic(file, null);
    expect(existsSync(file)).toBe(false);
    await replaceFileAtomic(file, null);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('replaces the file a symlink points to and keeps the link', async () => {
    mkdirSync(path.join(dir, 'real'));
    const target = path.join(dir, 'real', 'dhcpd.conf');
    writeFileSync(target, 'old\n');
    const link = path.join(dir, 'dhcpd.conf');
    symlinkSync(target, link);
    await write(link, 'new\n');
    expect(readFileSync(target, 'utf8')).toBe('new\n');
    expect(readFileSync(link, 'utf8')).toBe('new\n');
    expect(readdirSync(path.join(dir, 'real'))).toEqual(['dhcpd.conf']);
  });

  it('fails without touching anything when the path is a directory', async () => {
    const target = path.join(dir, 'dhcpd.conf');
    mkdirSync(target);
    writeFileSync(path.join(target, 'inside'), 'x');
    await expect(write(target, 'authoritative;\n')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['dhcpd.conf']);
    expect(readdirSync(target)).toEqual(['inside']);
  });

  it('fails when the directory does not exist', async () => {
    await expect(write(path.join(dir, 'missing', 'dhcpd.conf'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('leaves the original untouched and no temporary file behind when the rename fails', async () => {
    const file = path.join(dir, 'dhcpd.conf');
    writeFileSync(file, 'original\n');
    jest.spyOn(fsPromises, 'rename').mockRejectedValueOnce(Object.assign(new Error('EXDEV'), { code: 'EXDEV' }));
    await expect(write(file, 'replacement\n')).rejects.toThrow('EXDEV');
    expect(readFileSync(file, 'utf8')).toBe('original\n');
    expect(readdirSync(dir)).toEqual(['dhcpd.conf']);
  });

  // Root may write into a read-only directory, so the check means nothing there and is skipped.
  const itUnprivileged = process.getuid?.() === 0 ? it.skip : it;

  itUnprivileged('leaves the original untouched when the directory is not writable', async () => {
    const file = path.join(dir, 'dhcpd.conf');
    writeFileSync(file, 'original\n');
    chmodSync(dir, 0o500);
    try {
      await expect(write(file, 'replacement\n')).rejects.toMatchObject({ code: 'EACCES' });
    } finally {
      chmodSync(dir, 0o700);
    }
    expect(readFileSync(file, 'utf8')).toBe('original\n');
    expect(readdirSync(dir)).toEqual(['dhcpd.conf']);
  });

  it('stages the new bytes beside the file without touching it; swap puts them in place, discard leaves the file', async () => {
    const file = path.join(dir, 'dhcpd.conf');
    writeFileSync(file, 'original\n');
    chmodSync(file, 0o640);
    const staged = await stageReplacement(file, Buffer.from('replacement\n'));
    expect(readFileSync(file, 'utf8')).toBe('original\n');
    const [temp] = readdirSync(dir).filter((f) => f !== 'dhcpd.conf');
    expect(readFileSync(path.join(dir, temp), 'utf8')).toBe('replacement\n');
    expect(statSync(path.join(dir, temp)).mode & 0o777).toBe(0o640);
    await staged.swap();
    expect(readFileSync(file, 'utf8')).toBe('replacement\n');
    expect(readdirSync(dir)).toEqual(['dhcpd.conf']);

    await (await stageReplacement(file, Buffer.from('never\n'))).discard();
    expect(readFileSync(file, 'utf8')).toBe('replacement\n');
    expect(readdirSync(dir)).toEqual(['dhcpd.conf']);
  });
});
