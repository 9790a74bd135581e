/**
 * The README's examples are part of the product: every GraphQL operation in it must be valid against the
 * committed schema.graphql, and every GATEWAY_SERVERS_FILE example must load through the real settings
 * loader. (test/integration/readme-walkthrough.test.ts runs the first session against a real service.)
 * docs/api.md, the contract, must name the schema as it is.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSchema, isEnumType, isInputObjectType, isObjectType, Kind, parse, print, validate } from 'graphql';
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
    type Entry = { utilization?: object };
    const parsed = JSON.parse(text) as { defaults?: Entry; servers: Record<string, Entry> };
    const file = path.join(dir, `${name.replace(/\W+/g, '-')}.json`);
    writeFileSync(file, text);
    const settings = loadSettings({ GATEWAY_SERVERS_FILE: file });
    for (const [server, own] of Object.entries(parsed.servers)) {
      // what the example writes, over the built-in defaults (those of a server no file names); thresholds merge one by one
      const builtIn = loadSettings({}).hooksFor(server);
      const utilization = { ...builtIn.utilization, ...parsed.defaults?.utilization, ...own.utilization };
      expect(settings.hooksFor(server)).toEqual({ ...builtIn, ...parsed.defaults, ...own, utilization });
    }
  });
});

describe('the schema block of docs/api.md', () => {
  const sdl = codeBlocks(readDoc('docs/api.md')).filter((b) => b.lang === 'graphql');
  const documented = parse(sdl.map((b) => b.text).join('\n'));

  /** `Type.field(arg: T, …): T` for every field (and argument) of the object and input types. */
  const signatures = (types: { name: string; fields: { name: string; type: string; args: string[] }[] }[]) =>
    types.flatMap((t) => t.fields.map((f) => `${t.name}.${f.name}(${f.args.sort().join(', ')}): ${f.type}`));
  const fromDocs = documented.definitions.flatMap((def) =>
    def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION
      ? [{ name: def.name.value, fields: (def.fields ?? []).map((f) => ({ name: f.name.value, type: print(f.type), args: ('arguments' in f ? (f.arguments ?? []) : []).map((a) => `${a.name.value}: ${print(a.type)}`) })) }]
      : [],
  );
  const fromSchema = (name: string) => {
    const type = schema.getType(name);
    if (isObjectType(type)) {
      return [{ name, fields: Object.values(type.getFields()).map((f) => ({ name: f.name, type: String(f.type), args: f.args.map((a) => `${a.name}: ${a.type}`) })) }];
    }
    if (isInputObjectType(type)) return [{ name, fields: Object.values(type.getFields()).map((f) => ({ name: f.name, type: String(f.type), args: [] })) }];
    return [];
  };

  it('is there', () => expect(sdl).toHaveLength(1));

  it('names every field and argument of its types as schema.graphql has them', () => {
    const real = new Set(signatures(fromDocs.flatMap((t) => fromSchema(t.name))));
    expect(signatures(fromDocs).filter((sig) => !real.has(sig))).toEqual([]);
  });

  it('names the enum values as schema.graphql has them', () => {
    for (const def of documented.definitions) {
      if (def.kind !== Kind.ENUM_TYPE_DEFINITION) continue;
      const type = schema.getType(def.name.value);
      expect([def.name.value, (def.values ?? []).map((v) => v.name.value).sort()]).toEqual([def.name.value, isEnumType(type) ? type.getValues().map((v) => v.name).sort() : []]);
    }
  });

  it('lists every query and mutation of schema.graphql', () => {
    const documentedRoots = fromDocs.filter((t) => t.name === 'Query' || t.name === 'Mutation');
    expect(signatures(documentedRoots).sort()).toEqual(signatures([...fromSchema('Query'), ...fromSchema('Mutation')]).sort());
  });
});
