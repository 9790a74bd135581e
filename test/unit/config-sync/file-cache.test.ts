import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigFileCache, writeFileAtomic } from '../../../src/config-sync';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'file-cache-test-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('ConfigFileCache', () => {
  it('returns null for a missing file', async () => {
    expect(await new ConfigFileCache().read(path.join(dir, 'none.conf'))).toBeNull();
  });

  it('returns the same model while the file is unchanged and a new one after an atomic write', async () => {
    const file = path.join(dir, 'dhcpd.conf');
    writeFileSync(file, 'subnet 10.0.0.0 netmask 255.0.0.0 { }\n');
    const cache = new ConfigFileCache();
    const first = await cache.read(file);
    expect(first?.subnets.map((subnet) => subnet.network)).toEqual(['10.0.0.0/8']);
    expect(await cache.read(file)).toBe(first);
    await writeFileAtomic(file, 'subnet 10.1.0.0 netmask 255.255.0.0 { }\n');
    const second = await cache.read(file);
    expect(second).not.toBe(first);
    expect(second?.subnets.map((subnet) => subnet.network)).toEqual(['10.1.0.0/16']);
  });

  it('notices an in-place rewrite that changes the size or the modification time', async () => {
    const file = path.join(dir, 'dhcpd.conf');
    writeFileSync(file, 'authoritative;\n');
    const cache = new ConfigFileCache();
    const first = await cache.read(file);
    writeFileSync(file, 'omapi-port 7911;\n');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect((await cache.read(file))?.omapiPort).toBe(7911);
    expect(await cache.read(file)).not.toBe(first);
  });

  it('reads again after invalidate, and forgets a file that was deleted', async () => {
    const file = path.join(dir, 'dhcpd.conf');
    writeFileSync(file, 'authoritative;\n');
    const cache = new ConfigFileCache();
    const first = await cache.read(file);
    cache.invalidate(file);
    expect(await cache.read(file)).not.toBe(first);
    rmSync(file);
    expect(await cache.read(file)).toBeNull();
  });

  it('flags a file that is not UTF-8, since writing it back would change bytes', async () => {
    const file = path.join(dir, 'dhcpd.conf');
    writeFileSync(file, Buffer.from('# caf\xe9\nauthoritative;\n', 'latin1'));
    const model = await new ConfigFileCache().read(file);
    expect(model?.errors.map((error) => error.code)).toEqual(['invalid-utf8']);
  });
});
