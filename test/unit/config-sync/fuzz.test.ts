/**
 * Random damage to real config text, with a fixed seed so a failure can be
 * replayed: whatever the bytes, the parser must not throw, must give the
 * text back unchanged, and the model and editor must cope.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigEditor, ConfigValueError, parse, parseConfig, stringify } from '../../../src/config-sync';
import { confFiles, CORPUS, CORPUS_PRESENT } from '../../helpers/corpus';

// The corpus adds variety where it is checked out beside the repository; the fixtures alone cover its shapes.
const SOURCE_DIRS = [path.resolve(__dirname, '../../fixtures/dhcpd'), ...(CORPUS_PRESENT ? [CORPUS] : [])];
const SOURCES = SOURCE_DIRS.flatMap((dir) => confFiles(dir).map((name) => readFileSync(path.join(dir, name), 'utf8')));
const TOKENS = ['{', '}', '"', ';', '#', '\r\n', '\n', '\r', '\\', '=', '{string}', 'pool {', 'subnet 10.0.0.0 netmask 255.0.0.0 {', 'range 10.0.0.1;', 'failover peer "x";', ' '];
const ITERATIONS = 3000;

/** mulberry32: small, fast and good enough to spread mutations around. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(text: string, next: () => number): string {
  let result = text;
  const count = 1 + Math.floor(next() * 8);
  for (let i = 0; i < count; i++) {
    const at = Math.floor(next() * (result.length + 1));
    const choice = next();
    if (choice < 0.35) {
      result = result.slice(0, at) + result.slice(at + 1 + Math.floor(next() * 6));
    } else if (choice < 0.8) {
      result = result.slice(0, at) + TOKENS[Math.floor(next() * TOKENS.length)] + result.slice(at);
    } else {
      const length = Math.floor(next() * 40);
      result = result.slice(0, at) + result.slice(at, at + length) + result.slice(at);
    }
  }
  return result;
}

describe('damaged input', () => {
  it(`never throws and always round-trips over ${ITERATIONS} random mutations (seed 20240611) of ${CORPUS_PRESENT ? 'the fixtures and ../shared/corpus' : 'the fixtures (../shared/corpus absent)'}`, () => {
    const next = random(20240611);
    for (let i = 0; i < ITERATIONS; i++) {
      const text = mutate(SOURCES[Math.floor(next() * SOURCES.length)], next);
      const cst = parse(text);
      if (stringify(cst) !== text) throw new Error(`iteration ${i}: round trip changed the text`);
      const model = parseConfig(text);
      for (const error of model.errors) {
        if (!(error.line >= 1 && error.column >= 1 && error.offset >= 0 && error.offset <= text.length)) {
          throw new Error(`iteration ${i}: error ${error.code} has no valid position`);
        }
      }
      // Editing a damaged file is best effort, but it must not crash on overlapping edits or bad offsets.
      const editor = new ConfigEditor(model);
      for (const subnet of model.subnets) {
        const action = next();
        if (action < 0.3) editor.disableSubnet(subnet);
        else if (action < 0.6) editor.enableSubnet(subnet);
        else if (action < 0.7) editor.removeSubnet(subnet);
        else if (action < 0.8) editor.addPool(subnet, { ranges: [{ start: '10.0.0.1', end: '10.0.0.2' }], failoverPeer: 'x' });
        for (const pool of subnet.pools) {
          if (next() < 0.3) editor.setPoolFailoverPeer(pool, next() < 0.5 ? null : 'x');
          else if (next() < 0.1) editor.removePool(pool);
        }
      }
      if (next() < 0.2) editor.upsertFailoverPeer({ name: 'x', role: 'secondary', address: '10.0.0.2', port: 647, peerAddress: '10.0.0.1', peerPort: 647, maxResponseDelay: 60, maxUnackedUpdates: 10, loadBalanceMaxSeconds: 3 });
      for (const peer of model.peers) if (next() < 0.2) editor.removeFailoverPeer(peer.name);
      try {
        editor.apply();
      } catch (error) {
        if (!(error instanceof ConfigValueError)) throw new Error(`iteration ${i}: editing failed: ${String(error)}`);
      }
    }
  });
});
