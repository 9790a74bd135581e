import { ModelCache, sha256 } from '../../../src/config-sync';
import { parseConfig } from '../../../src/config-sync/dhcpd/model';

describe('ModelCache', () => {
  it('returns the same model while the bytes are unchanged and a new one when they change', () => {
    const cache = new ModelCache();
    const first = cache.model('/a.conf', Buffer.from('subnet 10.0.0.0 netmask 255.0.0.0 { }\n'));
    expect(first.subnets.map((subnet) => subnet.network)).toEqual(['10.0.0.0/8']);
    expect(cache.model('/a.conf', Buffer.from('subnet 10.0.0.0 netmask 255.0.0.0 { }\n'))).toBe(first);
    const second = cache.model('/a.conf', Buffer.from('subnet 10.1.0.0 netmask 255.255.0.0 { }\n'));
    expect(second).not.toBe(first);
    expect(second.subnets.map((subnet) => subnet.network)).toEqual(['10.1.0.0/16']);
  });

  it('keeps files apart: the same bytes at another path are parsed for that path', () => {
    const cache = new ModelCache();
    const bytes = Buffer.from('authoritative;\n');
    expect(cache.model('/b.conf', bytes)).not.toBe(cache.model('/c.conf', bytes));
  });

  it('flags a file that is not UTF-8, since writing it back would change bytes', () => {
    const model = new ModelCache().model('/d.conf', Buffer.from('# caf\xe9\nauthoritative;\n', 'latin1'));
    expect(model.errors.map((error) => error.code)).toEqual(['invalid-utf8']);
  });

  it('remembers the model of bytes just written, so reading them back parses nothing', () => {
    const cache = new ModelCache();
    const text = 'subnet 10.2.0.0 netmask 255.255.0.0 { }\n';
    const written = parseConfig(text);
    cache.remember('/e.conf', Buffer.from(text), sha256(text), written);
    expect(cache.model('/e.conf', Buffer.from(text))).toBe(written);
    expect(cache.model('/other.conf', Buffer.from(text))).not.toBe(written);
  });

  it('does not remember a model whose text the bytes do not read back as (a lone surrogate)', () => {
    const cache = new ModelCache();
    const text = '# \ud800\nauthoritative;\n';
    const written = parseConfig(text);
    cache.remember('/f.conf', Buffer.from(text), sha256(text), written);
    const read = cache.model('/f.conf', Buffer.from(text));
    expect(read).not.toBe(written);
    expect(read.text).toBe(Buffer.from(text).toString('utf8'));
  });
});
