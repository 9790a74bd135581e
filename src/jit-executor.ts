import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { execute, getVariableValues, GraphQLError, GraphQLSchema, Kind, type FragmentDefinitionNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Context } from './context';
import { resolveRootsOnce, writeAnswer } from './json-answer';

/** How many compiled documents are kept: a client sends a handful of shapes; an unbounded cache would grow with every distinct query text. */
const CACHED_DOCUMENTS = 100;

/**
 * Queries run by graphql-jit, which compiles each document once into plain JavaScript: on the 10,000-subnet
 * nested query it completes the answer about 5× faster than graphql-js and leaves less garbage (README,
 * Performance). Apollo Server takes a foreign executor only through its gateway interface; everything
 * before execution (parsing, validation, the complexity limit, plugins, formatError) stays Apollo's.
 *
 * With `writeAnswers` (GRAPHQL_EXECUTOR=json, the default) a query that asks only for what its prefetch read is
 * answered by src/json-answer.ts instead, as JSON text with no result tree.
 *
 * Mutations keep graphql-js: they run one field at a time and their cost is the two `dhcpd -t` runs, not the
 * executor. Subscriptions never come here (graphql-ws, src/subscriptions.ts).
 */
export function jitGateway(schema: GraphQLSchema, options: { writeAnswers: boolean }): GatewayInterface {
  if (options.writeAnswers) resolveRootsOnce(schema);
  const compiled = new Map<string, CompiledQuery>();
  const executor: GatewayExecutor = async ({ document, operation, operationName, request, context, queryHash }) => {
    // No operation (several and no name, or a name that names none): graphql-js answers with the error Apollo expects.
    if (!operation || operation.operation === 'mutation') return execute({ schema, document, operationName: request.operationName, variableValues: request.variables, contextValue: context });
    // graphql-jit's own variable errors carry no `nodes`, so Apollo would answer 500 instead of 400 BAD_USER_INPUT:
    // graphql-js checks them first, with the errors Apollo knows.
    const variables = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
    if (variables.errors) return { errors: variables.errors };
    if (options.writeAnswers) {
      const fragments: Record<string, FragmentDefinitionNode> = {};
      for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
      const answer = await writeAnswer(schema, operation, fragments, variables.coerced, context as Context);
      if (answer) return { data: answer as unknown as Record<string, unknown> };
    }
    const key = `${queryHash}:${operationName ?? ''}`;
    let query = compiled.get(key);
    if (!query) {
      const result = compileQuery(schema, document, operationName ?? undefined);
      if (!isCompiledQuery(result)) return result;
      query = result;
      if (compiled.size >= CACHED_DOCUMENTS) compiled.delete(compiled.keys().next().value!);
      compiled.set(key, query);
    }
    const result = await query.query(undefined, context, request.variables ?? {});
    // Apollo serialises the answer as soon as this returns: without a turn in between, the executor's last slice and
    // the serialisation of 5 MB would hold the event loop as one block.
    await new Promise((resolve) => setImmediate(resolve));
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLJsError) } : result;
  };
  return {
    // Apollo asks for the schema through this callback and needs it before load() resolves.
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    async load() {
      return { executor };
    },
    async stop() {},
  };
}

/**
 * graphql-jit's errors have no `extensions` object when the thrown error had none, and Apollo reads
 * `extensions.code` of every error: the same error as graphql-js builds it, with graphql-jit's locations.
 */
function asGraphQLJsError(e: GraphQLError): GraphQLError {
  const error = new GraphQLError(e.message, { path: e.path, originalError: e.originalError ?? undefined, extensions: e.extensions ?? undefined });
  return Object.assign(error, { locations: e.locations });
}
