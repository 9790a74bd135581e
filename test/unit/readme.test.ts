/**
 * The README's examples are part of the product: every GraphQL operation in it must be valid against the
 * committed schema.graphql, and every GATEWAY_SERVERS_FILE example must load through the real settings
 * loader. (test/integration/readme-walkthrough.test.ts runs the first session against a real service.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { loadSettings } from '../../src/config';
import { codeBlocks, readDoc } from '../helpers/markdown';

const schema = buildSchema(readDoc('schema.graphql'));
const blocks = codeBlocks(readDoc('README.md'));
const graphqlBlocks = blocks.filter((b) => b.lang === 'graphql');
const jsonBlocks = blocks.filter((b) => b.lang === 'json');

describe('the GraphQL examples of README.md', () => {
  it('are there', () => expect(graphqlBlocks.length).toBeGreaterThanOrEqual(5));

  it.each(graphqlBlocks.map((b) => [`line ${b.line} (${b.section})`, b.text]))('%s parses and validates against schema.graphql', (_, text) => {
    // validate() includes NoUndefinedVariables: a variable must be declared by its operation.
    expect(validate(schema, parse(text)).map((e) => e.message)).toEqual([]);
  });
});

describe('the GATEWAY_SERVERS_FILE examples of README.md', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gw-readme-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are there', () => expect(jsonBlocks.length).toBeGreaterThanOrEqual(2));

  it.each(jsonBlocks.map((b) => [`line ${b.line} (${b.section})`, b.text]))('%s loads through the settings loader as written', (name, text) => {
    const parsed = JSON.parse(text) as { defaults?: object; servers: Record<string, object> };
    const file = path.join(dir, `${name.replace(/\W+/g, '-')}.json`);
    writeFileSync(file, text);
    const settings = loadSettings({ GATEWAY_SERVERS_FILE: file });
    for (const [server, own] of Object.entries(parsed.servers)) {
      expect(settings.hooksFor(server)).toEqual({ reloadTimeoutSeconds: 30, omapiPort: 7911, ...parsed.defaults, ...own });
    }
  });
});
