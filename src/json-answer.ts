import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  getArgumentValues,
  getDirectiveValues,
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLID,
  GraphQLIncludeDirective,
  GraphQLInt,
  GraphQLSkipDirective,
  GraphQLString,
  isAbstractType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLLeafType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Context } from './context';
import type { Pool } from './entities';
import { relationRead } from './loaders/prefetch';
import { IPv4CidrScalar, IPv4Scalar } from './resolvers/types/scalars';

/**
 * The root fields whose resolvers prefetch their whole selection (src/loaders/prefetch.ts), so that everything
 * below them is already read when they return.
 */
const PREFETCHING_ROOTS = new Set(['servers', 'server', 'failoverRelationships']);

/**
 * Fields with a resolver of their own that answers synchronously from prefetched rows (src/resolvers/direct.ts:
 * the same functions the executor calls); relation fields are read from the prefetch itself (relationRead), and
 * fields without a resolver are the object's property, as graphql-js reads them.
 */
const SYNC_RESOLVERS: Record<string, readonly string[]> = {
  DhcpServer: ['id'],
  FailoverRelationship: ['id', 'status'],
  Scope: ['id', 'authority'],
  Pool: ['id', 'ranges'],
};

/**
 * Fields whose objects may keep their value as the JSON text it is stored as, until it is read (src/entities/pool.ts):
 * that text is copied into the answer when it is exactly what writing the value would give.
 */
const STORED_JSON: Record<string, Record<string, (source: any) => string | undefined>> = {
  Pool: { ranges: (pool: Pool) => pool.storedRanges() },
};

/** The leaf types whose serialize gives a string as it is: a stored JSON string of one of them is what writing it gives. */
const AS_IS = new Set<GraphQLLeafType>([GraphQLString, GraphQLID, IPv4Scalar, IPv4CidrScalar]);

/**
 * What JSON.stringify escapes in a string: quote, backslash, control characters and lone surrogate halves (here every
 * half: a string with a pair goes to JSON.stringify, which leaves the pair as it is).
 */
const ESCAPED = String.raw`"\\\u0000-\u001f\ud800-\udfff`;
const NEEDS_ESCAPE = new RegExp(`[${ESCAPED}]`);

/** A JSON string that needs no escape, as a pattern. */
const PLAIN_STRING = `"[^${ESCAPED}]*"`;

/** The leaf types whose values are never JSON strings; every other one (String, ID, enums, custom scalars) is written quoted. */
const UNQUOTED = new Set<GraphQLLeafType>([GraphQLInt, GraphQLFloat, GraphQLBoolean]);

/**
 * How long the writer runs before it hands the event loop back: other requests and /healthz are answered between.
 * Each hand-back costs more than its turn (10 ms slices: 20-40 ms more CPU on the 10,000-subnet nested query, a
 * fifth of it; 40 ms slices: within the noise), so slices are as long as /healthz can wait.
 */
const SLICE_MS = 40;

/**
 * The `data` of an answer written as JSON text, holding the whole response as Apollo would serialise it (a 5 MB
 * answer is not copied once more to be put in place): src/app.ts gives Apollo stringifyResult below.
 */
export class JsonText {
  constructor(readonly response: string) {}

  /** Anything that serialises the answer some other way gets the same JSON. */
  toJSON(): unknown {
    return (JSON.parse(this.response) as { data: unknown }).data;
  }
}

/** Apollo's serialisation of a response (JSON.stringify and a newline), a response written here given as it is. */
export function stringifyResult(result: { data?: unknown; errors?: unknown; extensions?: unknown }): string {
  if (result.data instanceof JsonText && result.errors === undefined && result.extensions === undefined) return result.data.response;
  return JSON.stringify(result) + '\n';
}

/** What the writer's run of each root field gave, by request (its context) and response key. */
const rootResults = new WeakMap<object, Map<string, { value: unknown } | { error: unknown }>>();

/**
 * Makes the prefetching root fields run at most once per request: when the writer gives up after running them, the
 * executor gets what they gave, their value or their error as they gave it, instead of running them again (no
 * statement sent twice, no error swallowed, no second try where graphql-js would have answered the first failure).
 */
export function resolveRootsOnce(schema: GraphQLSchema): void {
  const fields = schema.getQueryType()!.getFields();
  for (const name of PREFETCHING_ROOTS) {
    const field = fields[name];
    const resolve = field.resolve!;
    field.resolve = (root, args, ctx, info) => {
      const key = String(info.path.key);
      const result = rootResults.get(ctx)?.get(key);
      if (!result) return resolve(root, args, ctx, info);
      rootResults.get(ctx)!.delete(key);
      return 'error' in result ? Promise.reject(result.error) : Promise.resolve(result.value);
    };
  }
}

/** Thrown where the writer cannot answer as the executor would: the executor answers instead. */
const CANNOT = Symbol('the executor answers');

type Completion =
  /** `quoted`: a field's non-null value that serialises to a string, its quotes written with the pieces around it */
  | { kind: 'leaf'; type: GraphQLLeafType; nonNull: boolean; quoted?: boolean }
  | { kind: 'object'; plan: ObjectPlan; nonNull: boolean }
  /** `bracketed`: a field's non-null list, its brackets written with the pieces around it */
  | { kind: 'list'; item: Completion; nonNull: boolean; bracketed?: boolean };

interface FieldPlan {
  /**
   * `"key":`, after a comma for every field but the first, `{` before the first; with the quote that closes the field
   * before it and the one that opens its own value, where they are quoted
   */
  prefix: string;
  read(source: any, ctx: Context): unknown;
  completion: Completion;
  /** the value's stored JSON text (STORED_JSON), when it is exactly what writing the value would give; else undefined */
  stored?: (source: any) => string | undefined;
}

interface ObjectPlan {
  fields: FieldPlan[];
  /** the first field's prefix after the comma before a list item: `,{"id":"` */
  afterComma: string;
  /** `}`, after what closes the last field's value */
  close: string;
  /**
   * A pattern of the object as JSON.stringify writes it when every field is a string as it is under its own name
   * (`{"start":"…","end":"…"}`), undefined for any other selection: what stored JSON text must be to be copied.
   */
  asStored?: string;
}

/**
 * A query's answer written as JSON text straight from the rows its root fields prefetched, without the result tree
 * an executor builds and Apollo then serialises (on the 10,000-subnet nested query: 60,000 objects built, held and
 * walked again). It answers only what it answers exactly as graphql-js would: root fields that prefetch, and below
 * them only fields read from the prefetch, property fields and the synchronous resolvers above, with fragments,
 * aliases, @skip and @include. Anything else — another field, an error, a value a non-null field may not have, a
 * value not prefetched — returns null before anything is sent, and the executor answers the query from what the
 * root fields already gave (resolveRootsOnce).
 */
export async function writeAnswer(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  ctx: Context,
): Promise<JsonText | null> {
  const queryType = schema.getQueryType();
  if (operation.operation !== 'query' || !queryType) return null;
  try {
    const plans = new Planner(schema, fragments, variables);
    const roots = [...plans.collect(queryType, [operation.selectionSet])];
    // Planned first, resolved after: a query with a field the writer does not answer runs no resolver here.
    const planned = roots.map(([key, nodes]) => {
      const name = nodes[0].name.value;
      if (name === '__typename') return { key, nodes, field: null, completion: null };
      const field = queryType.getFields()[name];
      if (!field || !PREFETCHING_ROOTS.has(name)) throw CANNOT;
      return { key, nodes, field, completion: plans.completion(field.type, nodes) };
    });
    const values: unknown[] = [];
    const results = new Map<string, { value: unknown } | { error: unknown }>();
    rootResults.set(ctx, results);
    for (const { key, nodes, field } of planned) {
      if (!field) {
        values.push(queryType.name);
        continue;
      }
      const info: GraphQLResolveInfo = {
        fieldName: field.name,
        fieldNodes: nodes,
        returnType: field.type,
        parentType: queryType,
        path: { prev: undefined, key, typename: queryType.name },
        schema,
        fragments,
        rootValue: undefined,
        operation,
        variableValues: variables,
      };
      const args = getArgumentValues(field, nodes[0], variables);
      let value: unknown;
      try {
        value = await field.resolve!(undefined, args, ctx, info);
      } catch (error) {
        results.set(key, { error });
        throw error;
      }
      results.set(key, { value });
      values.push(value);
    }
    const out = new Output();
    const writer = new Writer(out, ctx);
    out.write('{"data":{');
    for (const [i, root] of planned.entries()) {
      out.write(`${i > 0 ? ',' : ''}${JSON.stringify(root.key)}:`);
      if (root.completion) await writer.value(root.completion, values[i]);
      else out.write(JSON.stringify(values[i]));
    }
    out.write('}}\n');
    return new JsonText(out.text());
  } catch {
    // CANNOT, or a resolver's or an argument's error: the executor reports it as it reports every error, from what
    // the root fields already gave (resolveRootsOnce).
    return null;
  }
}

/** The plan of every selection set of the query, made once per request whatever the number of objects. */
class Planner {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
  ) {}

  completion(type: GraphQLOutputType, nodes: readonly FieldNode[]): Completion {
    const nonNull = isNonNullType(type);
    const t = nonNull ? type.ofType : type;
    if (isListType(t)) return { kind: 'list', item: this.completion(t.ofType, nodes), nonNull };
    if (isLeafType(t)) return { kind: 'leaf', type: t, nonNull };
    if (isObjectType(t)) return { kind: 'object', plan: this.objectPlan(t, nodes.map((n) => n.selectionSet!)), nonNull };
    // An interface or a union: which type an object is, is the executor's to decide.
    throw CANNOT;
  }

  /**
   * The fields of an object, their constant pieces joined: a string value's quotes and a list's brackets go with the
   * key before and after them (`","pools":[`, `]}`), an item's comma with the next item's first key (`,{"id":"`), so
   * the answer has fewer pieces to join (the 5.7 MB nested query: 620,000).
   */
  private objectPlan(type: GraphQLObjectType, sets: readonly SelectionSetNode[]): ObjectPlan {
    const fields: FieldPlan[] = [];
    let open = '{';
    let asStored: string | undefined = '';
    for (const [key, nodes] of this.collect(type, sets)) {
      const name = nodes[0].name.value;
      const field = name === '__typename' ? null : type.getFields()[name];
      if (field === undefined || (field && field.args.length > 0)) throw CANNOT;
      const typename = type.name;
      const completion: Completion = field ? this.completion(field.type, nodes) : { kind: 'leaf', type: GraphQLString, nonNull: true };
      const stored = field ? this.stored(type, name, completion) : undefined;
      const quoted = completion.kind === 'leaf' && completion.nonNull && !UNQUOTED.has(completion.type);
      // A stored value's text has its own brackets.
      const bracketed = completion.kind === 'list' && completion.nonNull && !stored;
      fields.push({
        prefix: `${open}${JSON.stringify(key)}:${quoted ? '"' : bracketed ? '[' : ''}`,
        read: field ? this.reader(type, field) : () => typename,
        completion: quoted ? { ...completion, quoted } : bracketed ? { ...completion, bracketed } : completion,
        stored,
      });
      open = quoted ? '",' : bracketed ? '],' : ',';
      // A property as it is: a resolver of its own could answer something else than the stored value.
      const asIs = field && !field.resolve && key === name && completion.kind === 'leaf' && AS_IS.has(completion.type);
      asStored = asIs && asStored !== undefined ? `${asStored}${asStored ? ',' : ''}"${key}":${PLAIN_STRING}` : undefined;
    }
    // An object with no field (all skipped) is `{}`, written whole by the writer.
    return { fields, afterComma: `,${fields[0]?.prefix ?? ''}`, close: `${open.slice(0, -1)}}`, asStored: asStored ? String.raw`\{${asStored}\}` : undefined };
  }

  /** A STORED_JSON field's stored text, when it is a list of objects written exactly as the selection asks (ObjectPlan.asStored). */
  private stored(type: GraphQLObjectType, name: string, completion: Completion): FieldPlan['stored'] {
    const text = STORED_JSON[type.name]?.[name];
    const item = completion.kind === 'list' ? completion.item : undefined;
    if (!text || item?.kind !== 'object' || !item.plan.asStored) return undefined;
    const exact = new RegExp(String.raw`^\[(?:${item.plan.asStored}(?:,(?=\{)|(?=\])))*\]$`);
    return (source) => {
      const t = text(source);
      return t !== undefined && exact.test(t) ? t : undefined;
    };
  }

  private reader(type: GraphQLObjectType, field: GraphQLField<unknown, Context>): FieldPlan['read'] {
    const relation = relationRead(type.name, field.name);
    if (relation)
      return (source, ctx) => {
        const value = relation(source, ctx.loaders);
        if (value === undefined) throw CANNOT;
        return value;
      };
    const resolve = field.resolve;
    const name = field.name;
    if (!resolve)
      return (source) => {
        const value = source[name];
        if (typeof value === 'function') throw CANNOT;
        return value;
      };
    if (!SYNC_RESOLVERS[type.name]?.includes(name)) throw CANNOT;
    return (source, ctx) => {
      const value = resolve(source, {}, ctx, undefined as unknown as GraphQLResolveInfo);
      if (isThenable(value)) {
        // Not prefetched after all: what it started reading is left to finish, its failure with nobody to tell.
        value.then(undefined, () => {});
        throw CANNOT;
      }
      return value;
    };
  }

  /** graphql-js's CollectFields: the fields of `sets` by response key, in order, fragments that apply merged in. */
  collect(type: GraphQLObjectType, sets: readonly SelectionSetNode[]): Map<string, FieldNode[]> {
    const found = new Map<string, FieldNode[]>();
    const seen = new Set<string>();
    const visit = (set: SelectionSetNode) => {
      for (const s of set.selections) {
        if (!this.included(s)) continue;
        if (s.kind === 'Field') {
          const key = s.alias?.value ?? s.name.value;
          found.set(key, [...(found.get(key) ?? []), s]);
        } else if (s.kind === 'InlineFragment') {
          if (this.applies(s.typeCondition?.name.value, type)) visit(s.selectionSet);
        } else if (!seen.has(s.name.value)) {
          seen.add(s.name.value);
          const fragment = this.fragments[s.name.value];
          if (fragment && this.applies(fragment.typeCondition.name.value, type)) visit(fragment.selectionSet);
        }
      }
    };
    for (const set of sets) visit(set);
    return found;
  }

  private included(node: Parameters<typeof getDirectiveValues>[1]): boolean {
    if (getDirectiveValues(GraphQLSkipDirective, node, this.variables)?.if === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, node, this.variables)?.if !== false;
  }

  /** graphql-js's doesFragmentConditionMatch. */
  private applies(condition: string | undefined, type: GraphQLObjectType): boolean {
    if (!condition) return true;
    const conditionType = this.schema.getType(condition);
    if (conditionType === type) return true;
    return isAbstractType(conditionType) && this.schema.isSubType(conditionType, type);
  }
}

/** How many pieces are joined into one flat string at a time. */
const PIECES = 16_384;

/**
 * The answer's text: its pieces kept in one reused array and joined every PIECES into a flat string (a string built
 * by `+=` of a million small pieces is a tree of a million nodes, garbage to collect and a tree to flatten).
 */
class Output {
  private readonly chunks: string[] = [];
  private readonly pieces: string[] = new Array<string>(PIECES).fill('');
  private n = 0;

  write(piece: string): void {
    this.pieces[this.n++] = piece;
    if (this.n === PIECES) {
      this.chunks.push(this.pieces.join(''));
      this.n = 0;
    }
  }

  /** A string as JSON writes it: between quotes as it is when nothing in it needs an escape (no copy to make). */
  writeString(s: string): void {
    this.write('"');
    this.writeQuoted(s);
    this.write('"');
  }

  /** A string as JSON writes it between its quotes, the quotes written by the pieces around it. */
  writeQuoted(s: string): void {
    this.write(NEEDS_ESCAPE.test(s) ? JSON.stringify(s).slice(1, -1) : s);
  }

  text(): string {
    this.chunks.push(this.pieces.slice(0, this.n).join(''));
    return this.chunks.join('');
  }
}

/**
 * Writes values as their completions say, depth first. It is synchronous until the current slice has run SLICE_MS:
 * then, between two items of a list, it hands the event loop back, and the writing of every enclosing list and
 * object goes on once the rest is written (a promise per pause, not per object).
 */
class Writer {
  private sliceStart = performance.now();
  private items = 0;

  constructor(
    private readonly out: Output,
    private readonly ctx: Context,
  ) {}

  /** `comma`: the value is a list item after the first, the comma before it not yet written. */
  value(c: Completion, v: unknown, comma = false): Promise<void> | undefined {
    if (v === null || v === undefined) {
      if (c.nonNull) throw CANNOT;
      this.out.write(comma ? ',null' : 'null');
      return undefined;
    }
    if (v instanceof Error) throw CANNOT;
    if (c.kind === 'object') return this.fields(c.plan, v, 0, comma);
    if (comma) this.out.write(',');
    if (c.kind === 'leaf') {
      const serialised = c.type.serialize(v);
      if (c.quoted) {
        // A custom scalar may serialise to something else: that is for the executor to write.
        if (typeof serialised !== 'string') throw CANNOT;
        this.out.writeQuoted(serialised);
      } else if (typeof serialised === 'string') this.out.writeString(serialised);
      else if (serialised === undefined) throw CANNOT;
      else this.out.write(JSON.stringify(serialised));
      return undefined;
    }
    if (!Array.isArray(v)) throw CANNOT;
    if (!c.bracketed) this.out.write('[');
    return this.list(c, v, 0);
  }

  private fields(plan: ObjectPlan, source: unknown, from: number, comma = false): Promise<void> | undefined {
    const fields = plan.fields;
    if (fields.length === 0) this.out.write(comma ? ',{}' : '{}');
    for (let i = from; i < fields.length; i++) {
      const field = fields[i];
      this.out.write(i === 0 && comma ? plan.afterComma : field.prefix);
      const stored = field.stored?.(source);
      if (stored !== undefined) {
        this.out.write(stored);
        continue;
      }
      const pending = this.value(field.completion, field.read(source, this.ctx));
      if (pending) return pending.then(() => this.fields(plan, source, i + 1));
    }
    if (fields.length > 0) this.out.write(plan.close);
    return undefined;
  }

  private list(c: Extract<Completion, { kind: 'list' }>, items: readonly unknown[], from: number): Promise<void> | undefined {
    for (let i = from; i < items.length; i++) {
      if (++this.items % 256 === 0 && performance.now() - this.sliceStart > SLICE_MS) return this.pause().then(() => this.list(c, items, i));
      const pending = this.value(c.item, items[i], i > 0);
      if (pending) return pending.then(() => this.list(c, items, i + 1));
    }
    if (!c.bracketed) this.out.write(']');
    return undefined;
  }

  private async pause(): Promise<void> {
    await nextTurn();
    this.sliceStart = performance.now();
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
