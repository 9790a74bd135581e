import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DhcpdNotFoundError, findDhcpd, validateConfig } from '../../../src/config-sync';
import { readDhcpdOutput } from '../../../src/config-sync/apply/dhcpd-output';
import { DHCPD, itWithDhcpd } from '../../helpers/dhcpd';


let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'validate-test-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A stand-in dhcpd that prints what the real one prints for a bad line 2, naming the file it was given. */
function fakeDhcpd(): string {
  const script = path.join(dir, 'fake-dhcpd');
  writeFileSync(
    script,
    [
      '#!/bin/sh',
      'echo "Internet Systems Consortium DHCP Server 4.4.3-P1"',
      'echo "Config file: $4"',
      'echo "$4 line 2: semicolon expected." >&2',
      'echo "  }" >&2',
      'echo "   ^" >&2',
      'echo "ERROR: something without a line" >&2',
      'echo "exiting." >&2',
      'exit 1',
      '',
    ].join('\n'),
  );
  chmodSync(script, 0o755);
  return script;
}

describe('validateConfig', () => {
  itWithDhcpd('passes a valid config with no messages', async () => {
    const result = await validateConfig(DHCPD!, 'subnet 10.0.0.0 netmask 255.255.255.0 {\n  range 10.0.0.10 10.0.0.20;\n}\n');
    expect(result).toMatchObject({ ok: true, messages: [] });
  });

  itWithDhcpd("fails an invalid config with dhcpd's message on the candidate's line, never the temporary path", async () => {
    const candidate = 'authoritative;\r\nsubnet 10.0.0.0 netmask 255.255.255.0 {\r\n  range 10.0.0.1 10.0.0.300;\r\n}\r\n';
    const result = await validateConfig(DHCPD!, candidate, dir);
    expect(result.ok).toBe(false);
    expect(result.messages).toEqual(['line 3: 300 exceeds max (255) for precision. (at: range 10.0.0.1 10.0.0.300;)']);
    expect(result.output).toContain('<candidate> line 3: 300 exceeds max (255) for precision.');
    expect(result.output).not.toContain(dir);
    expect(readdirSync(dir)).toEqual([]);
  });

  itWithDhcpd('puts the temporary file beside the live file and runs dhcpd there, so relative includes resolve', async () => {
    writeFileSync(path.join(dir, 'extra.conf'), 'authoritative;\n');
    const candidate = 'include "extra.conf";\n';
    expect(await validateConfig(DHCPD!, candidate, dir)).toMatchObject({ ok: true });
    expect(readdirSync(dir)).toEqual(['extra.conf']);
    const elsewhere = await validateConfig(DHCPD!, candidate);
    expect(elsewhere.ok).toBe(false);
    expect(elsewhere.messages).toContain("Can't open extra.conf: No such file or directory");
  });

  it('maps the messages of whatever dhcpd binary it is given and deletes the temporary file', async () => {
    const result = await validateConfig(fakeDhcpd(), 'authoritative;\n  option x 1\n', dir);
    expect(result.ok).toBe(false);
    expect(result.messages).toEqual(['line 2: semicolon expected. (at: option x 1)', 'ERROR: something without a line']);
    expect(result.output).toContain('Config file: <candidate>');
    expect(readdirSync(dir)).toEqual(['fake-dhcpd']);
  });

  it('throws DhcpdNotFoundError, never a pass, when the dhcpd binary does not exist', async () => {
    await expect(validateConfig(path.join(dir, 'no-dhcpd'), 'authoritative;\n', dir)).rejects.toBeInstanceOf(DhcpdNotFoundError);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('findDhcpd', () => {
  const saved = { PATH: process.env.PATH, DHCPD_BIN: process.env.DHCPD_BIN };

  afterEach(() => {
    process.env.PATH = saved.PATH;
    if (saved.DHCPD_BIN === undefined) delete process.env.DHCPD_BIN;
    else process.env.DHCPD_BIN = saved.DHCPD_BIN;
  });

  it('uses an explicit path (DHCPD_BIN) as given, and reports null when that file is missing', () => {
    const fake = fakeDhcpd();
    expect(findDhcpd(fake)).toBe(fake);
    expect(findDhcpd(path.join(dir, 'missing'))).toBeNull();
  });

  it('finds a bare name on the PATH', () => {
    fakeDhcpd();
    delete process.env.DHCPD_BIN;
    process.env.PATH = dir;
    expect(findDhcpd('fake-dhcpd')).toBe(path.join(dir, 'fake-dhcpd'));
  });

  itWithDhcpd('looks in /usr/sbin and /sbin when the PATH lacks them', () => {
    delete process.env.DHCPD_BIN;
    process.env.PATH = '/nonexistent';
    expect(findDhcpd()).toBe(DHCPD);
  });
});

describe('reading dhcpd output', () => {
  it('drops the banner, the echoed line and caret, and the bug-report footer', () => {
    const output = [
      'Internet Systems Consortium DHCP Server 4.4.3-P1',
      'Copyright 2004-2022 Internet Systems Consortium.',
      'All rights reserved.',
      'For info, please visit https://www.isc.org/software/dhcp/',
      '/tmp/x.conf line 1: peer address may not be omitted',
      '}',
      ' ^',
      '/etc/dhcp/other.conf line 4: unknown option dhcp.foo',
      'option foo 1;',
      '       ^',
      'Configuration file errors encountered -- exiting',
      '',
      'If you think you have received this message due to a bug rather',
      'than a configuration issue please read the section on submitting',
      'bugs on either our web page at www.isc.org or in the README file',
      'before submitting a bug.  These pages explain the proper',
      'process and the information we find helpful for debugging.',
      '',
      'exiting.',
    ].join('\n');
    expect(readDhcpdOutput(output, '/tmp/x.conf', 'failover peer "p" { primary; }\n').messages).toEqual([
      'line 1: peer address may not be omitted (at: failover peer "p" { primary; })',
      '/etc/dhcp/other.conf line 4: unknown option dhcp.foo',
    ]);
  });
});
