import { DocumentNode, getOperationAST, GraphQLError, GraphQLSchema, OperationDefinitionNode, parse, specifiedRules, validate } from 'graphql';
import { complexityRefusal } from './complexity';
import { LIMITS } from './limits';
import { queryShapeRule } from './shape-rule';

export interface WebSocketOperation {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

/**
 * The limits of POST /graphql for an operation that arrives over WebSocket, where Apollo's parse options,
 * validation rules and plugins do not run: the same token bound, the same rules (graphql's and the shape rule),
 * the same cost. Errors carry the codes Apollo gives them over HTTP.
 */
export function checkedOperation(
  schema: GraphQLSchema,
  { query, variables, operationName }: WebSocketOperation,
): { document: DocumentNode; operation: OperationDefinitionNode } | { errors: GraphQLError[] } {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: LIMITS.maxTokens });
  } catch (e) {
    return { errors: [withCode(e as GraphQLError, 'GRAPHQL_PARSE_FAILED')] };
  }
  const invalid = validate(schema, document, [...specifiedRules, queryShapeRule()]);
  if (invalid.length) return { errors: invalid.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED')) };
  const operation = getOperationAST(document, operationName);
  if (!operation) return { errors: [new GraphQLError('the document names no operation to run (operationName)', { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })] };
  const tooCostly = complexityRefusal(schema, document, operation, variables ?? {});
  return tooCostly ? { errors: [tooCostly] } : { document, operation };
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });
}
