import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateLeaseFile } from '../../../bench/lease-file';
import { LeaseParser, readLeases, type LeaseRecord, type ReadSummary } from '../../../src/leases';
import { LocalFiles } from '../../../src/transport/local';
import { loadSettings } from '../../../src/config';
import { dedent } from '../../helpers/dedent';

/** Parses `text` handed over in the given pieces; returns the records in order and the summary. */
function parse(pieces: string[]): { records: LeaseRecord[]; summary: ReadSummary } {
  const records: LeaseRecord[] = [];
  const parser = new LeaseParser((r) => records.push(r));
  for (const p of pieces) parser.push(p);
  return { records, summary: parser.end() };
}

const whole = (text: string) => parse([text]);
/** The last record of each address, as dhcpd reads the file. */
const lastOf = (records: LeaseRecord[]) => Object.fromEntries(records.map((r) => [r.address, r.bindingState]));

const SAMPLE = dedent`
  # The format of this file is documented in the dhcpd.leases(5) manual page.
  # This lease file was written by isc-dhcp-4.4.3-P1

  # authoring-byte-order entry is generated, DO NOT DELETE
  authoring-byte-order little-endian;

  server-duid "\\000\\001\\000\\001-\\270\\023\\364RT\\000\\022\\0044";

  failover peer "lab" state {
    my state normal at 3 2024/05/01 10:00:00;
    partner state normal at 3 2024/05/01 10:00:01;
    mclt 3600;
  }

  lease 198.51.100.100 {
    starts 3 2024/05/01 10:00:00;
    ends 3 2024/05/01 10:10:00;
    tstp 3 2024/05/01 10:10:00;
    cltt 3 2024/05/01 10:00:00;
    binding state active;
    next binding state free;
    rewind binding state free;
    hardware ethernet 52:54:00:12:34:56;
    uid "\\001RT\\000\\0224V";
    set vendor-class-identifier = "MSFT 5.0";
    client-hostname "caf\\303\\251 \\"one\\"";
    on expiry { set gone = "yes; { really }"; }
  }
  lease 198.51.100.101 {
    starts epoch 1714557600; # Wed May 01 10:00:00 2024
    ends never;
    binding state backup;
  }
  host dynamic-one {
    dynamic;
    hardware ethernet 52:54:00:00:00:09;
    fixed-address 198.51.100.9;
  }
  ia-na "\\001\\000\\000\\000" {
    cltt 3 2024/05/01 10:00:00;
    iaaddr 2001:db8::1 { binding state active; }
  }
  lease 198.51.100.100 {
    starts 3 2024/05/01 10:00:00;
    ends 3 2024/05/01 10:05:00;
    cltt 3 2024/05/01 10:05:00;
    binding state released;
    next binding state free;
  }
`;

describe('the dhcpd.leases reader', () => {
  test('reads every lease record with its fields, and the last record of an address wins', () => {
    const { records, summary } = whole(SAMPLE);
    expect(summary).toEqual({ records: 3, malformed: 0 });
    expect(records.map((r) => r.address)).toEqual(['198.51.100.100', '198.51.100.101', '198.51.100.100']);
    expect(records[0]).toEqual({
      address: '198.51.100.100',
      ip: (198 << 24 >>> 0) + (51 << 16) + (100 << 8) + 100,
      bindingState: 'active',
      starts: Date.UTC(2024, 4, 1, 10, 0, 0),
      ends: Date.UTC(2024, 4, 1, 10, 10, 0),
      cltt: Date.UTC(2024, 4, 1, 10, 0, 0),
      hardware: 'ethernet 52:54:00:12:34:56',
      uid: '\u0001RT\u0000\u00124V',
      clientHostname: 'café "one"',
    });
    expect(records[1]).toMatchObject({ bindingState: 'backup', starts: 1714557600_000, ends: null, cltt: null, hardware: null });
    expect(lastOf(records)).toEqual({ '198.51.100.100': 'released', '198.51.100.101': 'backup' });
  });

  test("decodes dhcpd's string escapes: octal and hex bytes (UTF-8 together), \\t \\n, and any other character as itself", () => {
    const hostname = (quoted: string) => whole(`lease 198.51.100.1 {\n  binding state free;\n  client-hostname ${quoted};\n}\n`).records[0].clientHostname;
    expect(hostname('"a\\tb\\nc"')).toBe('a\tb\nc');
    expect(hostname('"\\x41\\x4a\\x4Z"')).toBe('AJ\u0004Z');
    expect(hostname('"\\101\\0\\7x"')).toBe('A\u0000\u0007x');
    expect(hostname('"\\303\\251t\\303\\251"')).toBe('été');
    expect(hostname('"back\\\\slash \\"q\\" \\🦊 é"')).toBe('back\\slash "q" 🦊 é');
    expect(hostname('"semi;colon {brace} # not a comment"')).toBe('semi;colon {brace} # not a comment');
  });

  test('knows every binding state of dhcpd 4.x', () => {
    const states = ['free', 'active', 'expired', 'released', 'abandoned', 'reset', 'backup', 'reserved', 'bootp'];
    const text = states.map((s, i) => `lease 198.51.100.${i + 1} {\n  binding state ${s};\n}\n`).join('');
    const { records, summary } = whole(text);
    expect(summary).toEqual({ records: 9, malformed: 0 });
    expect(records.map((r) => r.bindingState)).toEqual(states);
  });

  test('gives the same records however the file is cut into chunks: inside words, strings, escapes and comments', () => {
    const expected = whole(SAMPLE);
    for (let cut = 1; cut < SAMPLE.length; cut++) {
      const got = parse([SAMPLE.slice(0, cut), SAMPLE.slice(cut)]);
      if (JSON.stringify(got) !== JSON.stringify(expected)) throw new Error(`differs when cut at ${cut}: ${JSON.stringify(SAMPLE.slice(cut - 10, cut + 10))}`);
    }
    expect(parse(SAMPLE.split(''))).toEqual(expected);
  });

  test('reads a file with CRLF line ends like one with LF', () => {
    expect(whole(SAMPLE.replace(/\n/g, '\r\n'))).toEqual(whole(SAMPLE));
  });

  test('skips and counts each malformed record, keeps the good ones, and a malformed last record does not replace a good one', () => {
    const text = dedent`
      lease 198.51.100.1 { binding state active; }
      lease 198.51.100.1 { binding state fre; }
      lease 198.51.100.300 { binding state active; }
      lease 198.51.100.2 { starts 3 2024/13/01 10:00:00; binding state active; }
      lease 198.51.100.3 { starts 3; binding state active; }
      lease 198.51.100.4 { hardware ethernet; binding state free; }
      lease 198.51.100.5 { cltt 3 2024/05/01 10:00:00; }
      lease 198.51.100.6 { binding state active }
      lease 198.51.100.7 {
        binding state active;
      lease 198.51.100.8 { binding state free; }
      }
      lease { binding state active; }
      lease 198.51.100.9 { binding state backup; }
      lease 198.51.100.10 { binding state active; client-hostname "never closed
    `;
    const { records, summary } = whole(text);
    expect(lastOf(records)).toEqual({ '198.51.100.1': 'active', '198.51.100.8': 'free', '198.51.100.9': 'backup' });
    // fre, .300, month 13, a date without its fields, hardware without an address, no binding state, no `;`,
    // .7 cut short by .8, the stray `}` after .8, `lease {`, and the string that runs to the end of the file
    expect(summary).toEqual({ records: 3, malformed: 11 });
  });

  test('reads a file of 100,000 records while a timer keeps firing: it hands the event loop back as it goes', async () => {
    const { text, finalStates } = generateLeaseFile(100_000, 1000);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-leases-'));
    const file = path.join(dir, 'dhcpd.leases');
    writeFileSync(file, text);
    try {
      const files = new LocalFiles(loadSettings({}).hooksFor('any'), null);
      // From disk through the transport, and from memory in 1 MB pieces (no I/O to wait for between them).
      const fromMemory = (async function* () {
        for (let i = 0; i < text.length; i += 1 << 20) yield text.slice(i, i + (1 << 20));
      })();
      for (const source of [files.stream(file), fromMemory]) {
        let last = performance.now();
        let maxGap = 0;
        let ticks = 0;
        const timer = setInterval(() => {
          const now = performance.now();
          maxGap = Math.max(maxGap, now - last);
          last = now;
          ticks++;
        }, 1);
        const last_: Record<string, string> = {};
        const started = performance.now();
        const summary = await readLeases(source, (r) => (last_[r.address] = r.bindingState));
        const took = performance.now() - started;
        clearInterval(timer);
        maxGap = Math.max(maxGap, performance.now() - last);
        expect(summary).toEqual({ records: 100_000, malformed: 0 });
        expect(last_).toEqual(Object.fromEntries(finalStates));
        // A generous bound: the reader yields every 10 ms; without yielding the gap is the whole read.
        expect(ticks).toBeGreaterThan(5);
        expect(maxGap).toBeLessThan(Math.max(150, took / 4));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
