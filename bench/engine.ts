/**
 * Times the config engine on a generated 10,000-subnet file (about 2 MB)
 * against `dhcpd -t` on the same file: parse + model, one edit (add a subnet,
 * set a pool's peer) + apply, and stringify. Each figure is the fastest of a
 * few runs, since other work on the machine only ever adds time.
 *
 * dhcpd -t builds a lease for every address in every range, so its time
 * grows with the pools while the parser's depends on the text alone. The file
 * is therefore timed twice: with 10 addresses per range (the hardest
 * comparison for the parser) and with 100 (closer to real pools).
 *
 * Run directly to print the figures; `benchEngine()` returns them.
 */
import { performance } from 'node:perf_hooks';
import { ConfigEditor, findDhcpd, parse, parseConfig, stringify, validateConfig } from '../src/config-sync';

const SUBNETS = 10_000;
const PEER = 'bench';

/** 10.x.y.0/24 subnets with two pools of one range each; the pools of every other subnet are in failover. */
export function generateBenchConfig(addressesPerRange = 10, subnets = SUBNETS): string {
  const parts = [
    `failover peer "${PEER}" {`,
    '  primary;',
    '  address 10.255.0.1;',
    '  port 647;',
    '  peer address 10.255.0.2;',
    '  peer port 647;',
    '  max-response-delay 60;',
    '  max-unacked-updates 10;',
    '  mclt 3600;',
    '  split 128;',
    '  load balance max seconds 3;',
    '}',
    '',
  ];
  const first = 10;
  const second = first + addressesPerRange;
  for (let i = 0; i < subnets; i++) {
    const net = `10.${i >> 8}.${i & 255}`;
    const peer = i % 2 === 0 ? [`    failover peer "${PEER}";`] : [];
    parts.push(
      `# subnet ${i}`,
      `subnet ${net}.0 netmask 255.255.255.0 {`,
      `  option routers ${net}.1;`,
      '  pool {',
      ...peer,
      `    range ${net}.${first} ${net}.${second - 1};`,
      '  }',
      '  pool {',
      ...peer,
      `    range ${net}.${second} ${net}.${second + addressesPerRange - 1};`,
      '  }',
      '}',
      '',
    );
  }
  return parts.join('\n');
}

async function fastest<T>(runs: number, run: () => T | Promise<T>): Promise<{ ms: number; result: T }> {
  let best: { ms: number; result: T } | null = null;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = await run();
    const ms = performance.now() - start;
    if (best === null || ms < best.ms) best = { ms, result };
  }
  return best as { ms: number; result: T };
}

/** The fastest dhcpd -t run on `text`, or undefined without dhcpd. */
async function dhcpdTestMs(text: string, runs: number): Promise<number | undefined> {
  const dhcpd = findDhcpd(process.env.DHCPD_BIN);
  if (dhcpd === null) return undefined;
  const { ms, result } = await fastest(runs, () => validateConfig(dhcpd, text));
  if (!result.ok) throw new Error(`dhcpd -t rejected the bench file: ${result.messages.join('; ')}`);
  return ms;
}

export async function benchEngine(): Promise<Record<string, number>> {
  const text = generateBenchConfig(10);
  // A first pass warms the JIT; the timed passes measure steady-state code.
  parseConfig(text);
  const parsed = await fastest(5, () => parseConfig(text));
  const model = parsed.result;
  const edit = await fastest(5, () =>
    new ConfigEditor(model)
      .addSubnet({ network: '10.200.0.0/24', pools: [{ ranges: [{ start: '10.200.0.10', end: '10.200.0.20' }], failoverPeer: PEER }] })
      .setPoolFailoverPeer(model.subnets[1].pools[0], PEER)
      .apply(),
  );
  const cst = parse(text);
  const printed = await fastest(5, () => stringify(cst));
  if (printed.result !== text) throw new Error('stringify did not reproduce the generated file');
  const largePools = generateBenchConfig(100);
  const largeParsed = await fastest(5, () => parseConfig(largePools));

  const figures: Record<string, number> = {
    bytes: text.length,
    subnets: model.subnets.length,
    parseAndModelMs: parsed.ms,
    editAndApplyMs: edit.ms,
    stringifyMs: printed.ms,
    parseAndModelLargePoolsMs: largeParsed.ms,
  };
  const dhcpd = await dhcpdTestMs(edit.result, 3);
  if (dhcpd !== undefined) {
    figures.dhcpdTestMs = dhcpd;
    figures.parseToDhcpdRatio = parsed.ms / dhcpd;
    // dhcpd needs about 2.5 s and 700 MB for this one, so it runs once.
    const dhcpdLarge = (await dhcpdTestMs(largePools, 1)) as number;
    figures.dhcpdTestLargePoolsMs = dhcpdLarge;
    figures.parseToDhcpdLargePoolsRatio = largeParsed.ms / dhcpdLarge;
  }
  return figures;
}

if (require.main === module) {
  benchEngine().then(
    (f) => {
      const ms = (value: number): string => `${value.toFixed(1).padStart(8)} ms`;
      const ratio = (value: number | undefined): string => (value === undefined ? '' : `  (${value.toFixed(3)}× dhcpd -t)`);
      console.log(`file: ${f.subnets} subnets, 2 pools each, ${(f.bytes / 1e6).toFixed(2)} MB`);
      console.log(`10 addresses per range:`);
      console.log(`  parse + model   ${ms(f.parseAndModelMs)}${ratio(f.parseToDhcpdRatio)}`);
      console.log(`  edit + apply    ${ms(f.editAndApplyMs)}${ratio(f.dhcpdTestMs && f.editAndApplyMs / f.dhcpdTestMs)}`);
      console.log(`  stringify       ${ms(f.stringifyMs)}${ratio(f.dhcpdTestMs && f.stringifyMs / f.dhcpdTestMs)}`);
      if (f.dhcpdTestMs === undefined) {
        console.log('  dhcpd -t        not found: no comparison');
        return;
      }
      console.log(`  dhcpd -t        ${ms(f.dhcpdTestMs)}`);
      console.log(`100 addresses per range:`);
      console.log(`  parse + model   ${ms(f.parseAndModelLargePoolsMs)}${ratio(f.parseToDhcpdLargePoolsRatio)}`);
      console.log(`  dhcpd -t        ${ms(f.dhcpdTestLargePoolsMs)}`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
